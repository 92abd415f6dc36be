// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

namespace here::oauth {

/// Header fields in order: name and value. Names compare case-insensitively (ASCII).
using http_fields = std::vector<std::pair<std::string, std::string>>;

/// The value of the first field called name (ASCII case-insensitive), or an empty view.
inline std::string_view find_field(const http_fields& fields, std::string_view name) noexcept {
  for (const auto& [field, value] : fields) {
    if (field.size() != name.size())
      continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i) {
      auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
      same = lower(field[i]) == lower(name[i]);
    }
    if (same)
      return value;
  }
  return {};
}

/// One token request, built and signed by the SDK, for a custom transport to send as it is.
struct HERE_OAUTH_API http_request {
  std::string method;  ///< "POST"
  /// The token endpoint URL from the credentials, as signed: scheme, host, port, path and query.
  std::string url;
  /// Host, User-Agent, Accept, Content-Type, Authorization and Content-Length, in this order.
  /// Connection management (Connection, keep-alive, TLS) is the transport's own business.
  http_fields headers;
  std::string body;  ///< application/x-www-form-urlencoded

  /// The value of the first header called name (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const noexcept {
    return find_field(headers, name);
  }
};

/// The answer a custom transport received, handed back as it is: the SDK parses and classifies it
/// exactly as an answer over its own HTTPS transport (status, Date, Retry-After, Location,
/// Content-Type and the JSON body), within request_options' size limits.
struct HERE_OAUTH_API http_response {
  unsigned status = 0;  ///< the HTTP status code, e.g. 200 or 401
  http_fields headers;  ///< as received; at least Date when the server sent one
  std::string body;     ///< the decoded body (no chunked framing, no content coding)

  /// The value of the first header called name (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const noexcept {
    return find_field(headers, name);
  }
};

/// How a custom transport completes: an error (DNS, connect, TLS, reset…, with no response) or the
/// response, whatever its status.
using http_transport_signature = void(boost::system::error_code, http_response);
using http_transport_handler = boost::asio::any_completion_handler<http_transport_signature>;

/// Moves one HTTP exchange for the SDK (request_options::transport): for unusual networks (a
/// SOCKS gateway, an in-house HTTP stack, a sidecar) and for tests.
///
/// - ex is a strand of the I/O executor the request was started with (the provider's, or the one
///   given to fetch_token): the transport is called on it and may run its own I/O on it.
/// - The SDK has signed and built the request before the call; it size-checks, parses and
///   classifies the answer after it, exactly as over its own HTTPS transport, and learns the
///   server's clock from its Date header.
/// - Complete the handler once, from any thread, directly or through ex (for example
///   `boost::asio::post(ex, boost::asio::append(std::move(handler), ec, std::move(response)))`):
///   the SDK moves on to its own strand either way, so its caller is never completed inside the
///   transport's call.
/// - When request_timeout passes or the caller cancels, the SDK completes its caller at once
///   (error::timeout, operation_aborted) and emits a terminal cancellation on the handler's
///   cancellation slot; a later completion is ignored.
/// - An exception thrown by the call fails the request with errc::io_error.
/// - With a transport set, ca_file, ca_directory, use_system_trust_store, proxy and
///   use_environment_proxy are not used: no trust store is loaded, no proxy chosen.
using http_transport = std::function<void(boost::asio::any_io_executor ex, http_request request,
                                          http_transport_handler handler)>;

}  // namespace here::oauth

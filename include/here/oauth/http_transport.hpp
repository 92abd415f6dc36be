#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// One token request, built and signed by the SDK, as a plain value: what goes on the wire.
struct http_request {
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

/// An answer as received: the SDK parses and classifies its status, Date, Retry-After, Location,
/// Content-Type and JSON body.
struct http_response {
  unsigned status = 0;  ///< the HTTP status code, e.g. 200 or 401
  http_fields headers;  ///< as received; at least Date when the server sent one
  std::string body;     ///< the decoded body (no chunked framing, no content coding)

  /// The value of the first header called name (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const noexcept {
    return find_field(headers, name);
  }
};

}  // namespace here::oauth

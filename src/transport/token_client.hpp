// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <optional>

#include <boost/system/error_code.hpp>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>
#include <here/oauth/request_options.hpp>
#include "credentials/endpoint.hpp"
#include "signing/signer.hpp"
#include "transport/proxy_settings.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace here::oauth::detail {

/// Everything one token request needs that does not change between requests: the endpoint (parsed
/// once), the signer, validated options, and for the built-in HTTPS transport the TLS context
/// (built once: loading trust stores is slow) and the proxy. With a custom transport
/// (options().transport) there is neither. Immutable once built, so concurrent requests may share
/// it.
class token_client {
 public:
  token_client(endpoint target, request_signer signer, request_options options,
               std::shared_ptr<boost::asio::ssl::context> tls, std::optional<proxy_config> proxy);

  const endpoint& target() const noexcept { return target_; }
  const request_signer& signer() const noexcept { return signer_; }
  const request_options& options() const noexcept { return options_; }
  /// Null for http:// endpoints and with a custom transport.
  boost::asio::ssl::context* tls_context() const noexcept { return tls_.get(); }
  const std::optional<proxy_config>& proxy() const noexcept { return proxy_; }

 private:
  endpoint target_;
  request_signer signer_;
  request_options options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::optional<proxy_config> proxy_;
};

/// Bounds make_token_client enforces on request_options.
inline constexpr std::size_t min_response_limit_bytes = 1024;
inline constexpr std::size_t max_response_body_limit_bytes = 64 * 1024 * 1024;
inline constexpr std::size_t max_response_header_limit_bytes = 1024 * 1024;

/// Validates the credentials, the options and the endpoint (parsed here, once); on failure sets ec
/// and details and returns null. With options.transport set, no trust store is loaded and no proxy
/// is chosen (the TLS and proxy options are not looked at).
std::shared_ptr<token_client> make_token_client(const credentials& creds,
                                                const request_options& options,
                                                boost::system::error_code& ec,
                                                error_details& details);

/// make_token_client with the environment (for HTTPS_PROXY/NO_PROXY) supplied by the caller.
std::shared_ptr<token_client> make_token_client(const credentials& creds,
                                                const request_options& options,
                                                const environment_lookup& env,
                                                boost::system::error_code& ec,
                                                error_details& details);

/// Starts one signed request (fresh nonce and timestamp; clock_offset, the server's clock minus
/// ours, is added to the timestamp) over the built-in HTTPS transport (https_transport.hpp) or the
/// client's custom one (custom_transport.hpp). I/O runs on a strand of ex; the handler completes
/// through its
/// associated executor (default ex), never inside this call. request_timeout bounds the whole
/// request (error::timeout). The handler's cancellation slot (any cancellation type) aborts it
/// with operation_aborted and closes the connection. Concurrent calls may share one client.
/// A null client completes with ec (and details) as given.
void async_fetch(std::shared_ptr<token_client> client, boost::asio::any_io_executor ex,
                 std::chrono::seconds clock_offset, fetch_handler handler,
                 boost::system::error_code init_error = {}, error_details init_details = {});

}  // namespace here::oauth::detail

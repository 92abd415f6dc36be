#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/request_options.hpp>

namespace here::oauth {

/// The outcome of one token request, successful or not.
struct fetch_result {
  access_token token;                 ///< valid when the error_code is clear
  std::chrono::seconds expires_in{};  ///< lifetime granted by the server
  std::chrono::system_clock::time_point sent_at;         ///< local wall time the request was sent
  std::chrono::steady_clock::time_point sent_at_steady;  ///< the same instant, on the steady clock
  /// The server's Date header, when it sent a valid one (also on error answers).
  std::optional<std::chrono::system_clock::time_point> server_date;
  error_details details;              ///< what the server or the SDK said on failure
};

namespace detail {
class token_client;  // src/token_client.hpp: signer, TLS context and transport settings

using fetch_signature = void(boost::system::error_code, fetch_result);
using fetch_handler = boost::asio::any_completion_handler<fetch_signature>;

/// Validates the options and endpoint; on failure sets ec and details and returns null.
std::shared_ptr<token_client> make_token_client(const credentials& creds,
                                                const request_options& options,
                                                boost::system::error_code& ec,
                                                error_details& details);

/// Starts one signed request (fresh nonce and timestamp; clock_offset, the server's clock minus
/// ours, is added to the timestamp). I/O runs on a strand of ex; the handler completes through its
/// associated executor (default ex), never inside this call. request_timeout bounds the whole
/// request (error::timeout). The handler's cancellation slot (any cancellation type) aborts it
/// with operation_aborted and closes the connection. Concurrent calls may share one client.
/// A null client completes with ec (and details) as given.
void async_fetch(std::shared_ptr<token_client> client, boost::asio::any_io_executor ex,
                 std::chrono::seconds clock_offset, fetch_handler handler,
                 boost::system::error_code init_error = {}, error_details init_details = {});
}  // namespace detail

/// One signed token request: no cache, no retries. Signature: void(error_code, fetch_result).
template <class CompletionToken>
auto async_fetch_token(boost::asio::any_io_executor ex, const credentials& creds,
                       const request_options& options, CompletionToken&& token) {
  boost::system::error_code ec;
  error_details details;
  auto client = detail::make_token_client(creds, options, ec, details);
  return boost::asio::async_initiate<CompletionToken, detail::fetch_signature>(
      [](auto handler, boost::asio::any_io_executor ex, std::shared_ptr<detail::token_client> c,
         boost::system::error_code ec, error_details details) {
        detail::async_fetch(std::move(c), std::move(ex), {}, std::move(handler), ec,
                            std::move(details));
      },
      token, std::move(ex), std::move(client), ec, std::move(details));
}

/// Awaitable form of async_fetch_token; throws token_error carrying the server's details.
boost::asio::awaitable<fetch_result> fetch_token(boost::asio::any_io_executor ex,
                                                 const credentials& creds,
                                                 const request_options& options = {});

}  // namespace here::oauth

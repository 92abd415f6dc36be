// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/http_transport.hpp>
#include <here/oauth/request_options.hpp>

namespace here::oauth {

/// The outcome of one token request, successful or not, whichever transport moved it.
struct HERE_OAUTH_API fetch_result {
  /// Valid when the error_code is clear; its expires_at is then always set, to sent_at +
  /// expires_in (the response parser is the one place that computes it).
  access_token token;
  std::chrono::seconds expires_in{};                     ///< lifetime granted by the server
  std::chrono::system_clock::time_point sent_at;         ///< local wall time the request was sent
  std::chrono::steady_clock::time_point sent_at_steady;  ///< the same instant, on the steady clock
  /// The server's Date header, when it sent a valid one (also on error answers).
  std::optional<std::chrono::system_clock::time_point> server_date;
  error_details details;  ///< what the server or the SDK said on failure
};

namespace detail {
using fetch_signature = void(boost::system::error_code, fetch_result);
using fetch_handler = boost::asio::any_completion_handler<fetch_signature>;

/// async_fetch_token's compiled part: checks creds and options, then sends one signed request.
HERE_OAUTH_API void async_fetch_token_impl(boost::asio::any_io_executor ex,
                                           const credentials& creds, const request_options& options,
                                           fetch_handler handler);
}  // namespace detail

/// One signed token request: no cache, no retries. Signature: void(error_code, fetch_result).
/// options.transport, when set, moves the HTTP exchange instead of the built-in HTTPS transport.
template <class CompletionToken>
auto async_fetch_token(boost::asio::any_io_executor ex, const credentials& creds,
                       const request_options& options, CompletionToken&& token) {
  // creds and options are copied: a deferred operation may start after the caller's are gone.
  return boost::asio::async_initiate<CompletionToken, detail::fetch_signature>(
      [](auto handler, boost::asio::any_io_executor ex, const credentials& c,
         const request_options& o) {
        detail::async_fetch_token_impl(std::move(ex), c, o,
                                       detail::fetch_handler(std::move(handler)));
      },
      token, std::move(ex), creds, options);
}

/// Awaitable form of async_fetch_token; throws token_error carrying the server's details.
HERE_OAUTH_API boost::asio::awaitable<fetch_result> fetch_token(
    boost::asio::any_io_executor ex, const credentials& creds, const request_options& options = {});

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/fetch_token.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/custom_transport.hpp"
#include "transport/https_transport.hpp"
#include "transport/token_client.hpp"

namespace here::oauth {
namespace asio = boost::asio;

namespace detail {

void async_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
                 std::chrono::seconds clock_offset, fetch_handler handler,
                 boost::system::error_code init_error, error_details init_details) {
  if (client && !init_error) {
    if (client->options().transport)
      start_custom_fetch(std::move(client), std::move(ex), clock_offset, std::move(handler));
    else
      start_https_fetch(std::move(client), std::move(ex), clock_offset, std::move(handler));
    return;
  }
  if (!init_error) {
    init_error = error::invalid_option;
    if (init_details.message.empty())
      init_details.message = "no token client to send a request with";
  }
  fetch_result result;
  result.details = std::move(init_details);
  // Posted, so that even an immediate failure never completes inside the initiating call.
  asio::post(ex, asio::append(std::move(handler), init_error, std::move(result)));
}

void async_fetch_token_impl(asio::any_io_executor ex, const credentials& creds,
                            const request_options& options, fetch_handler handler) {
  boost::system::error_code ec;
  error_details details;
  auto client = make_token_client(creds, options, ec, details);
  async_fetch(std::move(client), std::move(ex), {}, std::move(handler), ec, std::move(details));
}

}  // namespace detail

namespace {

asio::awaitable<fetch_result> fetch_with(asio::any_io_executor ex,
                                         std::shared_ptr<detail::token_client> client,
                                         boost::system::error_code init_error,
                                         error_details init_details) {
  std::string context = "token request";
  if (client)
    context += " to " + client->target().authority();
  context += " failed";
  auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec, result] = co_await asio::async_initiate<decltype(token), detail::fetch_signature>(
      [](auto handler, asio::any_io_executor ex, std::shared_ptr<detail::token_client> c,
         boost::system::error_code ec, error_details details) {
        detail::async_fetch(std::move(c), std::move(ex), {}, std::move(handler), ec,
                            std::move(details));
      },
      token, std::move(ex), std::move(client), init_error, std::move(init_details));
  if (ec)
    throw token_error(ec, std::move(result.details), context);
  co_return std::move(result);
}

}  // namespace

asio::awaitable<fetch_result> fetch_token(asio::any_io_executor ex, const credentials& creds,
                                          const request_options& options) {
  // The client is built before the coroutine starts, so creds and options need not outlive this
  // call.
  boost::system::error_code ec;
  error_details details;
  auto client = detail::make_token_client(creds, options, ec, details);
  return fetch_with(std::move(ex), std::move(client), ec, std::move(details));
}

}  // namespace here::oauth

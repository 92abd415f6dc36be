// SPDX-License-Identifier: Apache-2.0
// Compile-cost probe (bench/run times its compilation): the same job done directly with Beast's
// SSL headers, a minimal HTTPS request (no signing, no JSON): what a service's own token code
// includes without the SDK.
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<void> fetch(asio::ssl::context& tls) {
  auto ex = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(ex);
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  auto endpoints =
      co_await resolver.async_resolve("account.api.here.com", "443", asio::use_awaitable);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  http::request<http::string_body> request{http::verb::post, "/oauth2/token", 11};
  request.set(http::field::host, "account.api.here.com");
  request.set(http::field::content_type, "application/x-www-form-urlencoded");
  request.body() = "grant_type=client_credentials";
  request.prepare_payload();
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
}

int main() {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  asio::co_spawn(io, fetch(tls), asio::detached);
  io.run();
}

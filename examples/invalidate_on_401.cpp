// SPDX-License-Identifier: Apache-2.0
// Recovering from a 401 of a HERE API: invalidate() the rejected token and retry once.
//
// A token can be refused before its expiry: it was revoked, the app's permissions changed, or
// the API's clock disagrees. The provider cannot know; the API can. After a 401:
//   provider.invalidate(token);          // drops it, if it is still the cached one
//   token = co_await provider.token();   // one new request, shared by every caller
// invalidate() takes the rejected token, so when many requests fail with the same token at
// once, only one new token is fetched, and a report about an older token is ignored.
// Retry once only: a second 401 with a fresh token is a permission problem, not an old token.
//
// Usage:
//   example_invalidate_on_401 URL [--ca-file PEM]
// Credentials come from the default chain. Prints one line per attempt; exits 0 when the API
// finally answers 2xx. CI runs it against a local API that answers 401 once
// (examples/ci/check_invalidate_example.cpp).

#include <iostream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <here/oauth.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

// One HTTPS GET with the token (see minimal_coroutine.cpp for the commented version).
asio::awaitable<http::response<http::string_body>> get(ssl::context& tls, boost::urls::url_view url,
                                                       const here::oauth::access_token& token) {
  auto ex = co_await asio::this_coro::executor;
  const std::string host(url.host());
  const std::string port = url.has_port() ? std::string(url.port()) : "443";
  tcp::resolver resolver(ex);
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(stream).async_connect(
      co_await resolver.async_resolve(host, port, asio::use_awaitable), asio::use_awaitable);
  if (url.host_type() == boost::urls::host_type::name)
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
  stream.set_verify_callback(ssl::host_name_verification(host));
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  http::request<http::empty_body> request(http::verb::get, url.encoded_target(), 11);
  request.set(http::field::host, url.encoded_host_and_port());
  request.set(http::field::authorization, token.authorization_header());
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  beast::get_lowest_layer(stream).close();
  co_return response;
}

// Calls the API; on 401 invalidates the token and tries once more with a new one.
asio::awaitable<http::response<http::string_body>> get_with_token(
    here::oauth::token_provider& provider, ssl::context& tls, boost::urls::url_view url) {
  here::oauth::access_token token = co_await provider.token();
  auto response = co_await get(tls, url, token);
  std::cout << "attempt 1: HTTP " << response.result_int() << " with token "
            << here::oauth::redact_token(token.value) << '\n';
  if (response.result() != http::status::unauthorized)
    co_return response;

  provider.invalidate(token);
  token = co_await provider.token();  // a new token, not the rejected one
  response = co_await get(tls, url, token);
  std::cout << "attempt 2: HTTP " << response.result_int() << " with token "
            << here::oauth::redact_token(token.value) << '\n';
  co_return response;
}

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--ca-file")) {
    std::cerr << "usage: " << argv[0] << " https://HERE-API-URL [--ca-file PEM]\n";
    return 2;
  }
  auto url = boost::urls::parse_uri(argv[1]);
  if (!url || url->scheme() != "https") {
    std::cerr << "not an https URL: " << argv[1] << '\n';
    return 2;
  }
  try {
    asio::io_context io;
    here::oauth::provider_options options;
    ssl::context tls(ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
    if (argc == 4) {
      options.ca_file = argv[3];
      tls.load_verify_file(argv[3]);
    }
    here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials(),
                                         options);
    int exit_code = 1;
    asio::co_spawn(io, get_with_token(provider, tls, *url),
                   [&](std::exception_ptr failure, http::response<http::string_body> response) {
                     if (failure) {
                       try {
                         std::rethrow_exception(failure);
                       } catch (const std::exception& e) {
                         std::cerr << "failed: " << e.what() << '\n';
                       }
                     } else {
                       std::cout << response.body() << '\n';
                       exit_code = response.result_int() / 100 == 2 ? 0 : 1;
                     }
                     provider.cancel();
                   });
    io.run();
    return exit_code;
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}

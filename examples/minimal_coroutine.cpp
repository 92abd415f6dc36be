// SPDX-License-Identifier: Apache-2.0
// Minimal use: one token_provider, one coroutine, one call to a HERE REST API.
//
// Shows:
// - credentials from the default chain (HERE_ACCESS_KEY_ID/HERE_ACCESS_KEY_SECRET,
//   HERE_CREDENTIALS_FILE, ~/.here/credentials.properties);
// - `co_await provider.token()` for a cached, refreshed-ahead-of-expiry bearer token;
// - an HTTPS GET over Boost.Beast with `Authorization: Bearer <token>`, TLS verified
//   (certificate chain and host name);
// - token_error::details(): HERE's errorCode and message when the token request is refused.
//
// Usage:
//   example_minimal_coroutine URL [--ca-file PEM]
//   example_minimal_coroutine
//   'https://geocode.search.hereapi.com/v1/geocode?q=Invalidenstr+116+Berlin'
//
// Prints the API's HTTP status and body; exits 0 on a 2xx answer.

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

// GETs url with the token and returns the answer. One connection per call, to keep it short.
asio::awaitable<http::response<http::string_body>> get(ssl::context& tls, boost::urls::url_view url,
                                                       const here::oauth::access_token& token) {
  auto ex = co_await asio::this_coro::executor;
  const std::string host(url.host());  // an IP literal is fine too
  const std::string port = url.has_port() ? std::string(url.port()) : "443";

  tcp::resolver resolver(ex);
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(stream).async_connect(
      co_await resolver.async_resolve(host, port, asio::use_awaitable), asio::use_awaitable);
  if (url.host_type() == boost::urls::host_type::name)
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());  // SNI
  stream.set_verify_callback(ssl::host_name_verification(host));     // certificate names the host
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);

  http::request<http::empty_body> request(http::verb::get, url.encoded_target(), 11);
  request.set(http::field::host, url.encoded_host_and_port());
  request.set(http::field::authorization, token.authorization_header());  // "Bearer <token>"
  request.set(http::field::user_agent, "here-oauth-cpp example");
  co_await http::async_write(stream, request, asio::use_awaitable);

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  beast::get_lowest_layer(stream).close();  // a TLS shutdown is optional for the client
  co_return response;
}

asio::awaitable<int> run(here::oauth::token_provider& provider, ssl::context& tls,
                         boost::urls::url_view url) {
  try {
    const here::oauth::access_token token = co_await provider.token();
    std::cerr << "token " << here::oauth::redact_token(token.value) << '\n';
    const auto response = co_await get(tls, url, token);
    std::cout << response.result_int() << ' ' << response.reason() << '\n'
              << response.body() << '\n';
    co_return response.result_int() / 100 == 2 ? 0 : 1;
  } catch (const here::oauth::token_error& e) {
    // e.details(): HTTP status, HERE errorCode/errorId and message, when the server sent them.
    std::cerr << "no token: " << e.what() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "request failed: " << e.what() << '\n';
  }
  co_return 1;
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
      options.ca_file = argv[3];      // trusted for the token endpoint…
      tls.load_verify_file(argv[3]);  // …and for the API
    }
    here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials(),
                                         options);

    int exit_code = 1;
    asio::co_spawn(io, run(provider, tls, *url), [&](std::exception_ptr, int result) {
      exit_code = result;
      provider.cancel();  // stops the refresh timer, so io.run() returns
    });
    io.run();
    return exit_code;
  } catch (const std::exception& e) {  // credentials_error, token_error (bad options), TLS setup
    std::cerr << e.what() << '\n';
    return 1;
  }
}

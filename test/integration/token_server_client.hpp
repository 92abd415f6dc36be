// SPDX-License-Identifier: Apache-2.0
// A minimal HTTP(S) client for the local token server's own tests, written here with Beast (not
// the SDK's transport), and requests signed by the SDK's request_signer: the other side of each
// check is code the server does not share. Used by token_server_test.cpp and
// token_server_faults_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include "signing/signer.hpp"

#include "local_token_server.hpp"

namespace here::oauth::test_support {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using steady = std::chrono::steady_clock;

struct request_spec {
  std::string ip = "127.0.0.1";
  unsigned short port = 0;
  bool tls = true;
  std::filesystem::path ca_file;
  std::string host_header;
  std::string target = "/oauth2/token";
  std::string authorization;
  std::string content_type = "application/x-www-form-urlencoded";
  std::string body = "grant_type=client_credentials";
  std::chrono::milliseconds timeout =
      std::chrono::seconds(20);  // for the whole exchange: a failure guard only
  std::optional<std::chrono::milliseconds> read_timeout;  // for reading the answer, once sent
  std::size_t body_limit = 8 * 1024 * 1024;
};

struct http_result {
  boost::system::error_code ec;  ///< the first error (connect, handshake, write or read)
  bool header_done = false;
  http::response<http::string_body> response;
  steady::duration elapsed{};

  unsigned status() const { return response.result_int(); }
  std::string header(http::field f) const { return std::string(response[f]); }
  boost::json::object json() const { return boost::json::parse(response.body()).as_object(); }
};

template <class Stream>
inline asio::awaitable<void> talk(Stream& stream, const request_spec& spec, http_result& out) {
  http::request<http::string_body> request{http::verb::post, spec.target, 11};
  request.set(http::field::host, spec.host_header);
  if (!spec.authorization.empty())
    request.set(http::field::authorization, spec.authorization);
  if (!spec.content_type.empty())
    request.set(http::field::content_type, spec.content_type);
  request.set(http::field::user_agent, "token-server-test");
  request.body() = spec.body;
  request.keep_alive(false);
  request.prepare_payload();
  auto [wec, written] =
      co_await http::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
  if (wec) {
    out.ec = wec;
    co_return;
  }
  if (spec.read_timeout)
    beast::get_lowest_layer(stream).expires_after(*spec.read_timeout);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(spec.body_limit);
  auto [rec, read] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  out.ec = rec;
  out.header_done = parser.is_header_done();
  out.response = parser.release();
}

inline asio::awaitable<http_result> exchange(request_spec spec) {
  http_result out;
  const auto start = steady::now();
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream tcp(executor);
  tcp.expires_after(spec.timeout);
  const asio::ip::tcp::endpoint where(asio::ip::make_address(spec.ip), spec.port);
  auto [cec] = co_await tcp.async_connect(where, asio::as_tuple(asio::use_awaitable));
  if (cec) {
    out.ec = cec;
    co_return out;
  }
  if (!spec.tls) {
    co_await talk(tcp, spec, out);
  } else {
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(spec.ca_file.string());
    context.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), context);
    stream.set_verify_callback(asio::ssl::host_name_verification(spec.ip));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) {
      out.ec = hec;
      co_return out;
    }
    co_await talk(stream, spec, out);
  }
  out.elapsed = steady::now() - start;
  co_return out;
}

/// Runs one exchange on a fresh single-threaded io_context.
inline http_result run(request_spec spec) {
  asio::io_context io;
  auto result = asio::co_spawn(io, exchange(std::move(spec)), asio::use_future);
  io.run();
  return result.get();
}

/// Polls pred on a timer (never blocking the thread) until it holds; false after the guard.
inline asio::awaitable<bool> eventually(
    std::function<bool()> pred, std::chrono::milliseconds guard = std::chrono::seconds(20)) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = steady::now() + guard;
  while (!pred()) {
    if (steady::now() > deadline)
      co_return false;
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return true;
}

/// Runs eventually(pred) on a fresh io_context.
inline bool wait_until(std::function<bool()> pred) {
  asio::io_context io;
  auto done = asio::co_spawn(io, eventually(std::move(pred)), asio::use_future);
  io.run();
  return done.get();
}

inline std::string form(const detail::parameter_list& params) {
  std::string out;
  for (const auto& [n, v] : params) {
    if (!out.empty())
      out += '&';
    out += detail::percent_encode(n) + "=" + detail::percent_encode(v);
  }
  return out;
}

inline const detail::parameter_list client_credentials{{"grant_type", "client_credentials"}};

/// A scripted reply of the given kind, adjusted by tweak.
inline scripted_reply reply(fault what, const std::function<void(scripted_reply&)>& tweak = {}) {
  scripted_reply r;
  r.what = what;
  if (tweak)
    tweak(r);
  return r;
}

/// A request to the server signed by the SDK's request_signer.
inline request_spec signed_for(const local_token_server& server,
                               const detail::parameter_list& body = client_credentials,
                               std::chrono::seconds clock_offset = {}, std::string nonce = {},
                               std::string secret_override = {}) {
  const credentials c = server.credentials();
  detail::request_signer::nonce_source nonces;
  if (!nonce.empty())
    nonces = [nonce] { return nonce; };
  detail::request_signer signer(c.access_key_id,
                                secret_override.empty()
                                    ? c.access_key_secret
                                    : secret_string(std::string_view(secret_override)),
                                {}, nonces);
  request_spec spec;
  const std::string url = server.url();
  spec.tls = url.rfind("https://", 0) == 0;
  const std::string host_start = url.substr(url.find("//") + 2);
  spec.host_header = host_start.substr(0, host_start.find('/'));
  spec.ip = spec.host_header.front() == '[' ? "::1" : "127.0.0.1";
  spec.port = server.port();
  spec.ca_file = server.ca_file();
  spec.authorization = signer.sign("POST", url, body, clock_offset).authorization_header;
  spec.body = form(body);
  return spec;
}

inline void expect_here_headers(const http_result& r) {
  EXPECT_FALSE(r.header(http::field::date).empty());
  EXPECT_TRUE(r.header(http::field::date).ends_with(" GMT")) << r.header(http::field::date);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
}

inline void expect_here_error(const http_result& r, unsigned status, std::int64_t code) {
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), status) << r.response.body();
  expect_here_headers(r);
  const auto body = r.json();
  EXPECT_EQ(body.at("httpStatus").as_int64(), status);
  EXPECT_EQ(body.at("errorCode").as_int64(), code);
  EXPECT_TRUE(std::string(body.at("errorId").as_string()).starts_with("ERROR-"));
  EXPECT_FALSE(body.at("message").as_string().empty());
}

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
// The built-in HTTPS transport's HTTP/1.1 framing, without sockets: the signed request on the
// wire, and what the end of a read means.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/write.hpp>

#include "protocol/token_request.hpp"
#include "transport/http_exchange.hpp"

namespace here::oauth::detail {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

endpoint parse(std::string_view url) {
  std::string problem;
  auto ep = parse_endpoint(url, problem);
  EXPECT_TRUE(ep) << url << ": " << problem;
  return ep.value_or(endpoint{});
}

request_signer fixed_signer() {
  return request_signer(
      "key-id", secret_string(std::string_view("secret")),
      [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)); },
      [] { return std::string("nonce"); });
}

/// Feeds text to a fresh parser as if read; returns what the parser said.
error_code feed(wire_response_parser& parser, std::string_view text) {
  error_code ec;
  std::size_t used = 0;
  while (used < text.size() && !ec && !parser.is_done()) {
    const std::size_t n = parser.put(asio::buffer(text.data() + used, text.size() - used), ec);
    if (n == 0 && !ec)
      break;
    used += n;
  }
  return ec;
}

TEST(HttpExchange, WireRequestIsTheSignedRequestOnHttp11) {
  const endpoint ep = parse("https://Account.API.here.com:8443/oauth2/token?x=1");
  const http_request plain = make_token_request(ep, fixed_signer(), {});
  const wire_request wire = to_wire(plain, ep);
  EXPECT_EQ(wire.method(), http::verb::post);
  EXPECT_EQ(wire.target(), "/oauth2/token?x=1");
  EXPECT_EQ(wire.version(), 11);
  EXPECT_EQ(wire[http::field::host], "account.api.here.com:8443");
  EXPECT_EQ(wire[http::field::authorization], plain.header("Authorization"));
  EXPECT_EQ(wire[http::field::connection], "close");
  EXPECT_EQ(wire[http::field::content_length], std::to_string(plain.body.size()));
  EXPECT_EQ(wire.body(), plain.body);

  // The header block in the order the SDK has always written it.
  std::ostringstream out;
  out << wire;
  const std::string text = out.str();
  std::size_t at = 0;
  for (std::string_view name :
       {"POST /oauth2/token?x=1 HTTP/1.1\r\n", "Host: ", "User-Agent: ", "Accept: ",
        "Content-Type: ", "Authorization: ", "Connection: ", "Content-Length: "}) {
    const std::size_t found = text.find(name, at);
    ASSERT_NE(found, std::string::npos) << name << " in\n" << text;
    at = found + name.size();
  }
  EXPECT_EQ(text.find("Content-Length", text.find("Content-Length") + 1), std::string::npos);
}

TEST(HttpExchange, LimitsGiveResponseTooLargeNamingTheOption) {
  request_options options;
  options.max_response_body_bytes = 1024;
  options.max_response_header_bytes = 1024;
  {
    wire_response_parser parser;
    apply_limits(parser, options);
    const error_code ec =
        feed(parser, "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n" + std::string(2000, 'x'));
    const auto failure = check_read(ec, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->ec, error::response_too_large);
    EXPECT_EQ(failure->message,
              "the response body from h:443 exceeds max_response_body_bytes (1024)");
  }
  {
    wire_response_parser parser;
    apply_limits(parser, options);
    const error_code ec =
        feed(parser, "HTTP/1.1 200 OK\r\nX-Big: " + std::string(2000, 'y') + "\r\n\r\n");
    const auto failure = check_read(ec, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->ec, error::response_too_large);
    EXPECT_EQ(failure->message,
              "the response header from h:443 exceeds max_response_header_bytes (1024)");
  }
}

TEST(HttpExchange, ABodyEndedByATruncatedTlsStreamIsComplete) {
  request_options options;
  wire_response_parser parser;
  apply_limits(parser, options);
  ASSERT_FALSE(feed(parser, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}"));
  ASSERT_TRUE(parser.need_eof());
  EXPECT_FALSE(check_read(asio::ssl::error::stream_truncated, parser, "h:443", options));
  EXPECT_TRUE(parser.is_done());
  EXPECT_EQ(view_of(parser.get()).body, "{}");
  EXPECT_EQ(view_of(parser.get()).content_type, "application/json");
}

TEST(HttpExchange, ClosedConnectionsAndGarbageSayWhatHappened) {
  request_options options;
  {
    wire_response_parser parser;
    const auto failure = check_read(asio::error::eof, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->ec, asio::error::eof);
    EXPECT_EQ(failure->message, "h:443 closed the connection without answering");
  }
  {
    wire_response_parser parser;
    ASSERT_FALSE(feed(parser, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}"));
    const auto failure = check_read(http::error::partial_message, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->message, "h:443 closed the connection in the middle of the response");
  }
  {
    wire_response_parser parser;
    const error_code ec = feed(parser, "SSH-2.0-OpenSSH\r\n\r\n");
    const auto failure = check_read(ec, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->ec, error::malformed_response);
    EXPECT_TRUE(failure->message.starts_with("the answer from h:443 is not valid HTTP: "))
        << failure->message;
  }
  {
    wire_response_parser parser;
    const auto failure = check_read(asio::error::connection_aborted, parser, "h:443", options);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->ec, asio::error::connection_aborted);
    EXPECT_TRUE(failure->message.starts_with("reading the response from h:443 failed: "));
  }
}

}  // namespace
}  // namespace here::oauth::detail

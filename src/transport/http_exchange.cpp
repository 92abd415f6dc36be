// SPDX-License-Identifier: Apache-2.0
#include "transport/http_exchange.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "common/ascii.hpp"

namespace here::oauth::detail {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

wire_request to_wire(const http_request& request, const endpoint& target) {
  wire_request wire{http::string_to_verb(request.method), target.target, 11};
  for (const auto& [name, value] : request.headers) {
    if (!iequals(name, "Content-Length"))  // prepare_payload() writes it from the body
      wire.set(name, value);
  }
  wire.set(http::field::connection, "close");
  wire.body() = request.body;
  wire.prepare_payload();
  return wire;
}

void apply_limits(wire_response_parser& parser, const request_options& options) {
  parser.body_limit(options.max_response_body_bytes);
  parser.header_limit(static_cast<std::uint32_t>(options.max_response_header_bytes));
}

std::optional<read_failure> check_read(error_code ec, wire_response_parser& parser,
                                       const std::string& from, const request_options& options) {
  if (ec == asio::ssl::error::stream_truncated && parser.is_header_done() && parser.need_eof()) {
    // The body ends at the end of the connection and the server skipped close_notify.
    error_code eof_ec;
    parser.put_eof(eof_ec);
    if (!eof_ec && parser.is_done())
      ec = {};
  }
  if (!ec)
    return std::nullopt;
  if (ec == http::error::body_limit) {
    return read_failure{error::response_too_large,
                        "the response body from " + from + " exceeds max_response_body_bytes (" +
                            std::to_string(options.max_response_body_bytes) + ")"};
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return read_failure{error::response_too_large,
                        "the response header from " + from +
                            " exceeds max_response_header_bytes (" +
                            std::to_string(options.max_response_header_bytes) + ")"};
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == asio::ssl::error::stream_truncated || ec == asio::error::eof ||
      ec == asio::error::connection_reset) {
    // The code says how (TLS close_notify or not, reset); the message says when.
    return read_failure{
        ec, from + (parser.got_some() ? " closed the connection in the middle of the response"
                                      : " closed the connection without answering")};
  }
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    return read_failure{error::malformed_response,
                        "the answer from " + from + " is not valid HTTP: " + ec.message()};
  }
  return read_failure{ec, "reading the response from " + from + " failed: " + ec.message()};
}

std::optional<std::string> interim_answer(unsigned status, unsigned skipped,
                                          const std::string& from) {
  if (status < 100 || status >= 200)
    return std::nullopt;
  if (status == 101)
    return "the answer from " + from + " is 101 Switching Protocols, which was not asked for";
  if (skipped >= max_interim_responses) {
    return "the answer from " + from + " is more than " + std::to_string(max_interim_responses) +
           " interim (1xx) responses";
  }
  return std::string();
}

token_response_view view_of(const http::response<http::string_body>& response) {
  token_response_view view;
  view.status = response.result_int();
  view.date = response[http::field::date];
  view.retry_after = response[http::field::retry_after];
  view.location = response[http::field::location];
  view.content_type = response[http::field::content_type];
  view.content_encoding = response[http::field::content_encoding];
  view.body = response.body();
  return view;
}

}  // namespace here::oauth::detail

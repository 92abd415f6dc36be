// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/http_transport.hpp>
#include <here/oauth/request_options.hpp>

#include "credentials/endpoint.hpp"
#include "protocol/token_response.hpp"

// HTTP/1.1 framing of one token exchange for the built-in HTTPS transport, with Beast: the plain
// request as a message on the wire, the answer's parser with the size limits, and what a failed
// read means.
namespace here::oauth::detail {

using wire_request = boost::beast::http::request<boost::beast::http::string_body>;
using wire_response_parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

/// request (protocol/token_request) as HTTP/1.1 to target's origin-form target, its headers in
/// their order, then Connection: close (one request per connection: the server may close as soon
/// as it has answered) and Content-Length.
wire_request to_wire(const http_request& request, const endpoint& target);

/// Applies max_response_body_bytes and max_response_header_bytes to a fresh parser.
void apply_limits(wire_response_parser& parser, const request_options& options);

/// How a read that ended with ec failed, from, the endpoint's authority, naming it.
struct read_failure {
  boost::system::error_code ec;
  std::string message;
};

/// nullopt when the answer is complete after all: a body that ends with the connection, cut
/// without TLS close_notify (stream_truncated), is accepted once the parser says the message is
/// done (the JSON parser still notices a cut body). Otherwise the failure: error::
/// response_too_large for a limit, the transport's own code for a connection closed before or
/// during the answer, error::malformed_response for what is not HTTP, else ec itself.
std::optional<read_failure> check_read(boost::system::error_code ec, wire_response_parser& parser,
                                       const std::string& from, const request_options& options);

/// Interim (1xx) answers may come before the final one (RFC 9110 section 15.2: 100 Continue, 103
/// Early Hints, ...), and a client must skip them; a bounded number of them, so that a server
/// cannot keep the exchange going with interim answers alone.
inline constexpr unsigned max_interim_responses = 8;

/// What to do with an answer of this status when `skipped` interim answers came before it:
/// nullopt for a final answer; "" to skip it and read the next; otherwise why it is refused
/// (error::malformed_response): 101 Switching Protocols, which was never asked for, or one
/// interim answer too many.
std::optional<std::string> interim_answer(unsigned status, unsigned skipped,
                                          const std::string& from);

/// The parts of a received answer the token response parser looks at; points into response.
token_response_view view_of(
    const boost::beast::http::response<boost::beast::http::string_body>& response);

}  // namespace here::oauth::detail

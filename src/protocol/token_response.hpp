// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/http_transport.hpp>

// The token endpoint's answer, without sockets: what it means.
namespace here::oauth::detail {

/// Lifetimes beyond this are not believed: a token endpoint that grants more is broken.
inline constexpr std::chrono::seconds max_plausible_lifetime{366L * 24 * 3600};

/// The parts of an answer the parser looks at. Empty header views mean "not sent".
struct token_response_view {
  unsigned status = 0;
  std::string_view date;              ///< Date
  std::string_view retry_after;       ///< Retry-After
  std::string_view location;          ///< Location
  std::string_view content_type;      ///< Content-Type
  std::string_view content_encoding;  ///< Content-Encoding (we ask for none: the body is unread)
  std::string_view body;
};

/// The view of a custom transport's answer (headers found case-insensitively; the first of a
/// repeated header counts). It points into response.
token_response_view view_of(const http_response& response);

/// What an answer means. On success ec is clear and token/expires_in are set; details stay empty.
struct parsed_token_response {
  boost::system::error_code ec;
  /// On success token.expires_at is always set: sent_at + expires_in. This is the one place that
  /// computes it.
  access_token token;
  std::chrono::seconds expires_in{};
  std::optional<std::chrono::system_clock::time_point> server_date;  ///< valid Date header
  error_details details;
};

/// Interprets an answer of the token endpoint. sent_at is when the request left: the token's
/// expires_at is sent_at + expires_in, and a Retry-After date without a server Date counts from it.
parsed_token_response parse_token_response(const token_response_view& response,
                                           std::chrono::system_clock::time_point sent_at);

/// Retry-After as delta-seconds or an HTTP date; a date counts from server_date when known (so
/// clock skew does not matter), else from now. Past dates give 0. nullopt when unparsable.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::optional<std::chrono::system_clock::time_point> server_date,
    std::chrono::system_clock::time_point now);

}  // namespace here::oauth::detail

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/request_options.hpp>
#include "signing/signer.hpp"

#include "credentials/endpoint.hpp"

// The token endpoint's protocol, without sockets: what a token request looks like, and what an
// answer means.
namespace here::oauth::detail {

using token_http_request = boost::beast::http::request<boost::beast::http::string_body>;

/// Lifetimes beyond this are not believed: a token endpoint that grants more is broken.
inline constexpr std::chrono::seconds max_plausible_lifetime{366L * 24 * 3600};

/// "here-oauth-cpp/<version>".
std::string default_user_agent();

/// The form parameters of a token request, in this order: grant_type=client_credentials, then
/// scope and expires_in when the options ask for them.
parameter_list token_request_parameters(const request_options& options);

/// A signed "POST <target> HTTP/1.1" with Host, Content-Type, Accept, User-Agent, Authorization
/// (a fresh nonce and timestamp from signer, clock_offset added), Connection: close and the form
/// body. Throws what the signer throws (std::invalid_argument for an unusable URL).
token_http_request make_token_request(const endpoint& ep, const request_signer& signer,
                                      const request_options& options,
                                      std::chrono::seconds clock_offset = {});

/// The parts of an answer the parser looks at. Empty header views mean "not sent".
struct token_response_view {
  unsigned status = 0;
  std::string_view date;          ///< Date
  std::string_view retry_after;   ///< Retry-After
  std::string_view location;      ///< Location
  std::string_view content_type;  ///< Content-Type
  std::string_view body;
};

/// What an answer means. On success ec is clear and token/expires_in are set; details stay empty.
struct parsed_token_response {
  boost::system::error_code ec;
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

/// At most max_chars of printable ASCII from text, for a message: control characters, non-ASCII
/// bytes and runs of white space become one space, "..." is appended when cut, and with
/// drop_markup HTML/XML tags are left out.
std::string sanitize_excerpt(std::string_view text, std::size_t max_chars,
                             bool drop_markup = false);

}  // namespace here::oauth::detail

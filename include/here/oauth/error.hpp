// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

namespace here::oauth {

/// Errors of the SDK, in the boost::system category named "here.oauth".
/// DNS, connect and TLS failures keep their Asio/SSL codes; these are the SDK's own causes.
enum class error {
  // credentials
  credentials_file_unreadable = 1,  ///< the credentials file could not be opened or read
  credentials_malformed,            ///< a line of the credentials file is not valid syntax
  credentials_missing,    ///< a required key (access key id or secret) is missing or empty
  invalid_endpoint_url,   ///< the token endpoint URL is not an absolute http(s) URL
  credentials_not_found,  ///< no source in the default chain held credentials
  // answers of the token endpoint
  signature_rejected,  ///< HERE 401300 and the other 4012xx/4013xx credential and header codes
  timestamp_rejected,  ///< HERE 401204: the request's timestamp is outside the server's window
  request_rejected,    ///< any other 4xx answer
  rate_limited,        ///< 429 Too Many Requests
  server_error,        ///< 5xx answer
  redirect_refused,    ///< 3xx answer: token requests never follow redirects
  malformed_response,  ///< the answer is not a well-formed token response
  response_too_large,  ///< the answer's header or body exceeds the configured limit
  // transport
  timeout,               ///< the request's deadline passed
  insecure_url_refused,  ///< an http:// endpoint without the plain-HTTP opt-in
  proxy_error,           ///< the HTTPS proxy refused or broke the CONNECT tunnel
  invalid_option,        ///< an option's value is out of range or inconsistent
  // provider
  backing_off,  ///< the last failure is still being served while its backoff runs
  timed_out,    ///< a caller waited provider_options::max_wait for a token; the provider goes on
                ///< trying, and the details carry the last failure
};

HERE_OAUTH_API const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// What a failure means for whoever retries it: the one taxonomy behind the provider's retry rules
/// and here-token's exit codes (docs/errors.md).
enum class failure_class {
  none,           ///< not an error
  configuration,  ///< credentials missing or malformed, endpoint URL, option, http:// refused
  refused,        ///< the endpoint refused the request (401300, other 4xx, 3xx): asking again
                  ///< with the same credentials will not help
  clock_skew,     ///< 401204: our timestamp is outside the server's window; retried at once with
                  ///< the server's clock
  untrusted,      ///< TLS failed other than by a dropped connection (certificate verification above
                  ///< all): retrying soon will not help
  transient,      ///< DNS, connect, reset, timeout, 5xx, 429, malformed answer, proxy, backing off:
                  ///< retried with backoff
  cancelled,      ///< operation_aborted: the caller (or cancel()) gave up
};

/// The class of ec (failure_class::none when ec is clear). Error codes of other categories than
/// ours, Asio's and OpenSSL's are transient.
HERE_OAUTH_API failure_class classify(const boost::system::error_code& ec) noexcept;

/// What the token endpoint said when it refused a request. Empty fields were not sent.
struct HERE_OAUTH_API error_details {
  unsigned http_status = 0;  ///< 0 when no HTTP answer was received
  std::string error_code;    ///< HERE's errorCode, e.g. "401300", or OAuth2's "error"
  std::string error_id;      ///< HERE's errorId, to quote to HERE support
  std::string message;       ///< the server's message, or what the SDK found wrong
  std::optional<std::chrono::seconds> retry_after;  ///< from a Retry-After header

  bool empty() const noexcept {
    return http_status == 0 && error_code.empty() && error_id.empty() && message.empty();
  }
};

/// Describes details as one line: "HTTP 401, errorCode 401300, errorId ..., message ...".
HERE_OAUTH_API std::string to_string(const error_details& details);

/// The exception thrown by the SDK's awaitable and synchronous functions.
class HERE_OAUTH_API token_error : public boost::system::system_error {
 public:
  token_error(boost::system::error_code ec, error_details details, const std::string& context = {});
  token_error(boost::system::error_code ec, const std::string& context);

  /// What the server said (HTTP status, HERE errorCode, errorId, message), or what the SDK found.
  const error_details& details() const noexcept { return details_; }

  /// "<context>: <error message> (<server details>) [<category>:<value>]": without the Boost
  /// source location an Asio error code carries, which says nothing to a user.
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  error_details details_;
  std::string what_;
};

}  // namespace here::oauth

namespace boost::system {
template <>
struct is_error_code_enum<here::oauth::error> : std::true_type {};
}  // namespace boost::system

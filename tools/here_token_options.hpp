#pragma once

// The here-token command line: its options, its exit codes and what it prints. Pure functions
// (no I/O, no clock, no environment), so every rule is unit-tested in
// test/unit/here_token_options_test.cpp; tools/here_token_main.cpp does the I/O.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/provider_options.hpp>

namespace here::oauth::cli {

/// What here-token writes on stdout.
enum class output_format {
  token,   ///< the bare token and a newline
  header,  ///< "Authorization: Bearer <token>" and a newline
  json,    ///< one line of JSON: access_token, token_type, expires_in, expires_at, scope
};

/// The command line, parsed.
struct options {
  std::string credentials_file;                    ///< empty: here::oauth::default_credentials()
  std::string scope;                               ///< --scope HRN: a project-scoped token
  std::optional<std::chrono::seconds> expires_in;  ///< --expires-in: lifetime asked for
  std::string ca_file;                             ///< --ca-file PEM: extra trust anchors
  /// --timeout: the whole command gives up after this long (default 30 s). Each request gets
  /// at most default_request_timeout of it, so a transient failure leaves time for a retry.
  std::chrono::seconds timeout{30};
  output_format format = output_format::token;
  bool verbose = false;
  bool help = false;
  bool version = false;
};

/// The deadline of one token request inside --timeout.
inline constexpr std::chrono::seconds default_request_timeout{10};

/// Bounds of the numeric options.
inline constexpr long long max_timeout_seconds = 3600;
inline constexpr long long max_expires_in_seconds = 30LL * 24 * 3600;

/// The exit status of here-token. Documented in docs/here-token.md.
enum class exit_code : int {
  success = 0,      ///< the token was printed
  internal = 1,     ///< an unexpected failure (a bug, or out of memory)
  usage = 2,        ///< bad arguments or option values (an unreadable --ca-file too)
  credentials = 3,  ///< no credentials, or they cannot be read or are incomplete or malformed
  refused = 4,      ///< the token endpoint answered with an error (401300, 403, other 4xx)
  unavailable = 5,  ///< no valid answer: network, TLS, timeout, proxy, 5xx, 429, malformed answer
};

/// The outcome of parse_options: the options, or what is wrong with the command line.
struct parse_result {
  options value;
  std::string error;  ///< empty when the command line is valid
  bool ok() const noexcept { return error.empty(); }
};

/// Parses the arguments after the program name. Options take their value as the next argument
/// or after '=' ("--scope=hrn:..."); a repeated option keeps its last value. Parsing stops at
/// --help or --version, so what follows them is not checked.
parse_result parse_options(std::span<const std::string_view> args);
/// The same, from main()'s arguments (argv[0] is skipped).
parse_result parse_options(int argc, const char* const* argv);

/// The text --help prints.
std::string_view usage_text();
/// The line --version prints (without newline): "here-token <version> (here-oauth-cpp)".
std::string version_line();

/// The exit code for a failure with this error code (a here::oauth::error, or an Asio, SSL or
/// system error from the transport).
exit_code exit_code_for(const boost::system::error_code& ec);

/// What is printed on stdout for a token, newline included. now: for expires_in in JSON.
std::string format_token(output_format format, const access_token& token,
                         std::chrono::system_clock::time_point now);

/// "2026-11-29T22:01:46Z": ISO 8601, UTC, whole seconds (rounded down).
std::string format_iso8601_utc(std::chrono::system_clock::time_point t);

/// text as the contents of a JSON string (without the quotes): ", \ and control characters are
/// escaped; other bytes (UTF-8 included) pass unchanged.
std::string json_escape(std::string_view text);

/// text on one line: every CR, LF, tab and other control character becomes a space, and runs of
/// spaces are collapsed, so a server message cannot break the one-line error rule.
std::string one_line(std::string_view text);

/// what() of a boost::system::system_error without the " [category:value]" (or
/// " [category:value at file:line]") that Boost appends: the message has said it in words already.
std::string without_error_code_suffix(std::string_view what);

/// text with every occurrence of secret replaced by "<redacted>" (a last line of defence: the SDK
/// never puts the secret into a message). Secrets shorter than 4 characters are left alone, as
/// they would match ordinary text.
std::string redact_secret(std::string text, std::string_view secret);

/// The one error line (without the "here-token: " prefix) for a failed token request to
/// endpoint: what failed, the error's message, and HERE's errorCode, errorId and message when
/// the server sent them, e.g. "token request to https://h/oauth2/token refused: token endpoint
/// rejected the credentials or signature (HTTP 401, errorCode 401300, errorId E1, message ...)".
std::string describe_failure(std::string_view endpoint, const boost::system::error_code& ec,
                             const error_details& details);

/// One --verbose line (without prefix) for a provider event. Contains a redacted token preview
/// at most, never a whole token and never the secret.
std::string describe_event(const provider_event& event);

}  // namespace here::oauth::cli

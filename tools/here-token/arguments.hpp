// SPDX-License-Identifier: Apache-2.0
#pragma once

// here-token's command line: its options, parsed without I/O, and the texts of --help and
// --version. Documented in docs/here-token.md; unit-tested in
// test/unit/here_token_arguments_test.cpp.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace here::oauth::cli {

/// What here-token writes on stdout (--format).
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
  bool no_cache = false;  ///< --no-cache: neither read nor write the token cache
  bool refresh = false;   ///< --refresh: fetch even when the cache has a token, then store it
  bool verbose = false;
  bool help = false;
  bool version = false;
};

/// The deadline of one token request inside --timeout.
inline constexpr std::chrono::seconds default_request_timeout{10};

/// Bounds of the numeric options.
inline constexpr long long max_timeout_seconds = 3600;
inline constexpr long long max_expires_in_seconds = 30LL * 24 * 3600;

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

}  // namespace here::oauth::cli

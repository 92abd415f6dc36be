// SPDX-License-Identifier: Apache-2.0
#pragma once

// Parsing of an OAuth 1.0 Authorization header (RFC 5849 §3.5.1) and of form/query parameters, as
// the local token server sees them. Written independently of the SDK's signer.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace here::oauth::test_support {
/// Decoded (name, value) pairs, in the order they came.
using parameter_list = std::vector<std::pair<std::string, std::string>>;

/// Why a header could not be used. The server answers all of these with HERE's 401202, except
/// `missing` (401200).
enum class header_problem {
  none,
  missing,             ///< no header at all, or an empty one
  not_oauth,           ///< another scheme, e.g. "Bearer ..."
  malformed,           ///< bad syntax: unquoted value, stray characters, bad %XX escape...
  duplicate_parameter  ///< the same parameter twice
};

struct oauth_header_parse_result {
  header_problem problem = header_problem::none;
  std::string detail;         ///< what is wrong, for the error message
  parameter_list parameters;  ///< decoded names and values, in header order (realm included)

  /// The decoded value of a parameter, or nullptr.
  const std::string* find(std::string_view name) const;
};

/// Parses `OAuth name="value", name="value"`: the scheme is case-insensitive, spaces and tabs are
/// allowed around commas and after the scheme, values must be quoted and are percent-decoded.
oauth_header_parse_result parse_oauth_header(std::string_view value);

/// Decodes %XX escapes (either hex case); with plus_is_space '+' becomes ' '. nullopt on a bad
/// escape.
std::optional<std::string> decode_percent(std::string_view text, bool plus_is_space);

/// RFC 3986 percent-encoding as RFC 5849 section 3.6 signs with it: every byte but the unreserved
/// ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX (upper-case hex). The server's own, written
/// apart from the SDK's, so that each checks the other.
std::string encode_percent(std::string_view text);

/// Splits an application/x-www-form-urlencoded text ("a=1&b=x+y") into decoded pairs; empty
/// fields are skipped, a field without '=' has an empty value. nullopt on a bad escape.
std::optional<parameter_list> parse_form_urlencoded(std::string_view text);

}  // namespace here::oauth::test_support

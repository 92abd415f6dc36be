#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <here/oauth/signer.hpp>

namespace here::oauth::detail {

/// Appends the RFC 3986 encoding of text to out (percent_encode without a temporary).
void append_percent_encoded(std::string& out, std::string_view text);

/// Decodes %XX escapes; with plus_is_space, '+' becomes ' ' (application/x-www-form-urlencoded).
/// Returns nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Splits "a=1&b=2" into decoded pairs (form or query syntax). nullopt on a malformed escape.
std::optional<parameter_list> parse_form_parameters(std::string_view text);

/// Encodes pairs as an application/x-www-form-urlencoded body with RFC 3986 encoding.
std::string encode_form_parameters(const parameter_list& parameters);

}  // namespace here::oauth::detail

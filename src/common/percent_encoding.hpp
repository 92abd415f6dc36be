#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <utility>
#include <vector>

namespace here::oauth::detail {

/// Decoded name/value pairs, e.g. a form body: {{"grant_type", "client_credentials"}}.
using parameter_list = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986 percent-encoding as RFC 5849 §3.6 requires: everything but ALPHA, DIGIT and "-._~" is
/// encoded as %XX with upper-case hex digits.
std::string percent_encode(std::string_view text);

/// Appends the RFC 3986 encoding of text to out (percent_encode without a temporary).
void append_percent_encoded(std::string& out, std::string_view text);

/// Decodes %XX escapes; with plus_is_space, '+' becomes ' ' (application/x-www-form-urlencoded).
/// Returns nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// Splits "a=1&b=2" into decoded pairs (form or query syntax). nullopt on a malformed escape.
std::optional<parameter_list> parse_form_parameters(std::string_view text);

/// Encodes pairs as an application/x-www-form-urlencoded body with RFC 3986 encoding.
std::string encode_form_parameters(const parameter_list& parameters);

/// The number of a URL's port text (RFC 3986 port = *DIGIT, leading zeros allowed); nullopt when
/// it is empty, not all digits, 0 or above 65535. Boost.URL 1.81's url_view::port_number() wraps
/// larger numbers modulo 65536 (":65979" gives 443), so the signer and the credentials check
/// read the port with this instead.
std::optional<std::uint16_t> parse_port(std::string_view port);

}  // namespace here::oauth::detail

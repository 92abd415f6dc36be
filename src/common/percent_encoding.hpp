// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// RFC 3986 percent-encoding as RFC 5849 §3.6 requires, and its inverse: the one encoder of the
// SDK. The signer encodes every parameter twice per signature (alone, then inside the normalized
// string), so the encoder is table-driven and writes into presized buffers (encoded_size +
// encode_to); percent_encode and append_percent_encoded are the same loop for everyone else.
namespace here::oauth::detail {

/// Decoded name/value pairs, e.g. a form body: {{"grant_type", "client_credentials"}}.
using parameter_list = std::vector<std::pair<std::string, std::string>>;

/// Upper-case hexadecimal digits, as RFC 3986 §2.1 recommends and RFC 5849 §3.6 requires.
inline constexpr char upper_hex_digits[] = "0123456789ABCDEF";

namespace encoding_table {
constexpr std::array<unsigned char, 256> make() {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    t[static_cast<std::size_t>(c)] = unreserved ? 1 : 3;
  }
  return t;
}
/// The encoded width of each byte: 1 for ALPHA, DIGIT and "-._~", 3 (%XX) for anything else.
inline constexpr std::array<unsigned char, 256> width = make();
}  // namespace encoding_table

/// Whether c is in RFC 3986's unreserved set (ALPHA, DIGIT, "-._~"), which is never encoded.
constexpr bool is_unreserved(char c) noexcept {
  return encoding_table::width[static_cast<unsigned char>(c)] == 1;
}

/// The size of text once percent-encoded.
inline std::size_t encoded_size(std::string_view text) noexcept {
  std::size_t n = 0;
  for (unsigned char c : text)
    n += encoding_table::width[c];
  return n;
}

/// Writes the encoding of text at out, which has room for encoded_size(text) bytes (3 *
/// text.size() always suffices), and returns the end of what it wrote.
inline char* encode_to(char* out, std::string_view text) noexcept {
  for (unsigned char c : text) {
    if (encoding_table::width[c] == 1) {
      *out++ = static_cast<char>(c);
    } else {
      *out++ = '%';
      *out++ = upper_hex_digits[c >> 4];
      *out++ = upper_hex_digits[c & 0x0F];
    }
  }
  return out;
}

/// RFC 3986 percent-encoding: everything but ALPHA, DIGIT and "-._~" is encoded as %XX with
/// upper-case hex digits.
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
/// larger numbers modulo 65536 (":65979" gives 443), so the endpoint and proxy parsers read the
/// port with this instead.
std::optional<std::uint16_t> parse_port(std::string_view port);

}  // namespace here::oauth::detail

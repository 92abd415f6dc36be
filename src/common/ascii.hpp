// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

// ASCII-only text helpers for protocol text (schemes, hosts, header tokens, hex escapes).
// Unlike std::tolower they ignore the C locale, which must not change how a URL is signed.
namespace here::oauth::detail {

constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr char ascii_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

/// Visible ASCII (RFC 5234 VCHAR, 0x21-0x7E): printable and not white space.
constexpr bool is_ascii_visible(char c) noexcept {
  return c > ' ' && c < 0x7F;
}

/// Control characters (0x00-0x1F, 0x7F): never allowed in a header value or a host name.
constexpr bool is_ascii_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ascii_lower(c);
  return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  }
  return true;
}

/// The value of a hexadecimal digit, -1 for anything else.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

}  // namespace here::oauth::detail

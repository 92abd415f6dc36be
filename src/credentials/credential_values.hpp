// SPDX-License-Identifier: Apache-2.0
// The HERE keys of a credentials file and what their values may hold. Header-only: the parser of
// credentials.cpp (which the fuzz targets link alone) and the environment source both use it.
#pragma once

#include <string>
#include <string_view>

namespace here::oauth::detail {

inline constexpr std::string_view key_access_key_id = "here.access.key.id";
inline constexpr std::string_view key_access_key_secret = "here.access.key.secret";
inline constexpr std::string_view key_endpoint_url = "here.token.endpoint.url";
inline constexpr std::string_view key_token_scope = "here.token.scope";
inline constexpr std::string_view key_user_id = "here.user.id";
inline constexpr std::string_view key_client_id = "here.client.id";

inline constexpr std::string_view known_keys[] = {key_access_key_id, key_access_key_secret,
                                                  key_endpoint_url,  key_token_scope,
                                                  key_user_id,       key_client_id};

/// True for the six keys the SDK reads; only these are ever named in a message (an unknown "key"
/// may be a pasted secret).
inline bool is_known_key(std::string_view key) noexcept {
  for (std::string_view known : known_keys) {
    if (key == known)
      return true;
  }
  return false;
}

/// No HERE credential (key id, secret, scope, endpoint URL, user or client id) holds a C0 control
/// character or DEL: HERE's secrets are printable ASCII. One inside a value is a damaged file or
/// variable (a NUL from a bad editor or copy, a CR from a Windows file, a tab or newline pasted
/// along or written as \t, \n), and would otherwise be signed as part of the secret and end in a
/// 401300 that says nothing about why. Returns what is wrong, naming the character but never its
/// position or any other byte of the value; an empty string when the value is clean.
inline std::string control_character_problem(std::string_view value) {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7F)
      continue;
    static constexpr const char* names[] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
                                            "BS",  "tab", "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
                                            "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
                                            "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
    static constexpr char hex[] = "0123456789ABCDEF";
    const std::string name = c == 0x7F ? "DEL" : names[c];
    return "value contains a control character (" + name + ", 0x" + hex[c >> 4] + hex[c & 0xF] +
           "), which no HERE credential has";
  }
  return {};
}

}  // namespace here::oauth::detail

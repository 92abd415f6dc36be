// The HERE keys of a credentials file. Header-only: the parser of credentials.cpp (which the fuzz
// targets link alone) uses it.
#pragma once

#include <string_view>

namespace here::oauth::detail {

inline constexpr std::string_view key_access_key_id = "here.access.key.id";
inline constexpr std::string_view key_access_key_secret = "here.access.key.secret";
inline constexpr std::string_view key_endpoint_url = "here.token.endpoint.url";
inline constexpr std::string_view key_user_id = "here.user.id";
inline constexpr std::string_view key_client_id = "here.client.id";

inline constexpr std::string_view known_keys[] = {key_access_key_id, key_access_key_secret,
                                                  key_endpoint_url, key_user_id, key_client_id};

/// True for the five keys the SDK reads; only these are ever named in a message (an unknown "key"
/// may be a pasted secret).
inline bool is_known_key(std::string_view key) noexcept {
  for (std::string_view known : known_keys) {
    if (key == known)
      return true;
  }
  return false;
}

}  // namespace here::oauth::detail

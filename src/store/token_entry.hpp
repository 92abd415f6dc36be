// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <here/oauth/access_token.hpp>
#include <here/oauth/file_token_store.hpp>

// The on-disk form of one file_token_store entry, without any file I/O: what goes into the file,
// what comes out of it, and whether a stored token may still be handed out.
namespace here::oauth::detail {

/// The entry format's version; an entry of any other version is ignored and replaced.
inline constexpr int token_entry_version = 1;

/// The entry's file name for key: 32 hex digits of SHA-256 over the key's fields, ".json".
std::string token_entry_name(const token_store_key& key);

/// A stored token and what it was issued for.
struct token_entry {
  access_token token;
  std::chrono::seconds lifetime{};  ///< expires_in as granted
};

/// The entry as JSON: version, the key's public fields (never the secret), the token, its type,
/// scope, expires_at (Unix seconds) and lifetime.
std::string encode_token_entry(const token_store_key& key, const token_entry& entry);

/// Parses an entry; nullopt (and why, in problem) when it is not valid JSON, another version,
/// another key, or a token that is empty or not header-safe.
std::optional<token_entry> decode_token_entry(std::string_view text, const token_store_key& key,
                                              std::string& problem);

/// Whether the token may still be handed out at now: before expires_at minus
/// min(expiry_margin, lifetime / 10), the provider's hard point.
bool token_entry_usable(const token_entry& entry, std::chrono::seconds expiry_margin,
                        std::chrono::system_clock::time_point now);

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include "store/token_entry.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/evp.h>

namespace here::oauth::detail {
namespace json = boost::json;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

// What the token may contain to be sent as "Authorization: Bearer <token>" (RFC 6750 b64token).
bool header_safe(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && c != '"' && c != '\\' && c != ',' && c != ';';
  });
}

std::int64_t lifetime_field(const token_store_key& key) {
  return key.requested_lifetime ? key.requested_lifetime->count() : -1;
}

json::object key_object(const token_store_key& key) {
  return json::object{{"endpoint_url", key.endpoint_url},
                      {"access_key_id", key.access_key_id},
                      {"scope", key.scope},
                      {"requested_lifetime", lifetime_field(key)}};
}

}  // namespace

std::string token_entry_name(const token_store_key& key) {
  // The fields are separated by a byte none of them can hold in a usable configuration.
  std::string text = "here-oauth token entry v" + std::to_string(token_entry_version);
  for (std::string_view field :
       {std::string_view(key.endpoint_url), std::string_view(key.access_key_id),
        std::string_view(key.scope)}) {
    text += '\0';
    text += field;
  }
  text += '\0';
  text += std::to_string(lifetime_field(key));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  std::string name;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned i = 0; i < 16 && i < size; ++i) {
    name += hex[digest[i] >> 4];
    name += hex[digest[i] & 0x0F];
  }
  return name + ".json";
}

std::string encode_token_entry(const token_store_key& key, const token_entry& entry) {
  const auto expires_at =
      std::chrono::duration_cast<seconds>(entry.token.expires_at.time_since_epoch()).count();
  json::object o{{"version", token_entry_version},    {"key", key_object(key)},
                 {"access_token", entry.token.value}, {"token_type", entry.token.token_type},
                 {"scope", entry.token.scope},        {"expires_at", expires_at},
                 {"lifetime", entry.lifetime.count()}};
  return json::serialize(o) + "\n";
}

std::optional<token_entry> decode_token_entry(std::string_view text, const token_store_key& key,
                                              std::string& problem) {
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (o == nullptr) {
    problem = "not a JSON object";
    return std::nullopt;
  }
  const json::value* version = o->if_contains("version");
  if (version == nullptr || !version->is_int64() || version->get_int64() != token_entry_version) {
    problem = "not an entry of version " + std::to_string(token_entry_version);
    return std::nullopt;
  }
  const json::value* stored_key = o->if_contains("key");
  if (stored_key == nullptr || *stored_key != json::value(key_object(key))) {
    problem = "an entry for another key";
    return std::nullopt;
  }
  auto string_field = [&](const char* name) -> const json::string* {
    const json::value* f = o->if_contains(name);
    return f != nullptr ? f->if_string() : nullptr;
  };
  auto int_field = [&](const char* name) -> std::optional<std::int64_t> {
    const json::value* f = o->if_contains(name);
    if (f == nullptr || !f->is_int64())
      return std::nullopt;
    return f->get_int64();
  };
  const json::string* token = string_field("access_token");
  const json::string* type = string_field("token_type");
  const json::string* scope = string_field("scope");
  const auto expires_at = int_field("expires_at");
  const auto lifetime = int_field("lifetime");
  if (token == nullptr || type == nullptr || scope == nullptr || !expires_at || !lifetime) {
    problem = "a field is missing or of the wrong type";
    return std::nullopt;
  }
  // The same bound as a token response's (a year), and a date before 10000: no arithmetic on
  // them below can overflow.
  constexpr std::int64_t max_lifetime = 366LL * 24 * 3600;
  constexpr std::int64_t max_expires_at = 253402300799;  // 9999-12-31T23:59:59Z
  if (!header_safe(*token) || *lifetime <= 0 || *lifetime > max_lifetime || *expires_at <= 0 ||
      *expires_at > max_expires_at) {
    problem = "a field has an impossible value";
    return std::nullopt;
  }
  token_entry entry;
  entry.token.value = std::string(*token);
  entry.token.token_type = std::string(*type);
  entry.token.scope = std::string(*scope);
  entry.token.expires_at = system_clock::time_point(seconds(*expires_at));
  entry.lifetime = seconds(*lifetime);
  return entry;
}

bool token_entry_usable(const token_entry& entry, seconds expiry_margin,
                        system_clock::time_point now) {
  const auto margin = std::min<std::chrono::milliseconds>(
      expiry_margin, std::chrono::duration_cast<std::chrono::milliseconds>(entry.lifetime) / 10);
  return now < entry.token.expires_at - margin;
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/credentials.hpp>

#include <cctype>
#include <map>
#include <vector>

#include <here/oauth/error.hpp>

#include "common/wipe.hpp"
#include "credentials/credential_values.hpp"
#include "credentials/endpoint.hpp"
#include "credentials/properties_parser.hpp"

namespace here::oauth {
namespace {

using detail::is_known_key;
using detail::key_access_key_id;
using detail::key_access_key_secret;
using detail::key_client_id;
using detail::key_endpoint_url;
using detail::key_token_scope;
using detail::key_user_id;

std::string where(std::string_view source, unsigned line) {
  std::string text(source);
  if (line != 0)
    text += ":" + std::to_string(line);
  return text;
}

[[noreturn]] void fail(error e, std::string_view source, unsigned line, std::string key,
                       const std::string& what) {
  std::string message = where(source, line) + ": " + what;
  if (!key.empty())
    message += " (key '" + key + "')";
  throw credentials_error(e, message, std::filesystem::path(source), line, std::move(key));
}

}  // namespace

credentials_error::credentials_error(boost::system::error_code ec, const std::string& message,
                                     std::filesystem::path file, unsigned line, std::string key)
    : boost::system::system_error(ec, message),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

std::string check_endpoint_url(std::string_view url) {
  // The same parser that later takes the URL apart for the signer and the transport.
  std::string problem;
  detail::parse_endpoint(url, problem);
  return problem;
}

credentials parse_credentials(std::string_view text, std::string_view source_name) {
  auto parsed = detail::parse_properties(text);
  // The parser's copies of the secret die with `parsed`; wipe them rather than leave them in freed
  // memory, on every way out of this function.
  struct wipe_secret_values {
    std::vector<detail::property>& entries;
    ~wipe_secret_values() {
      for (auto& entry : entries) {
        if (entry.key == key_access_key_secret)
          detail::wipe(entry.value);
      }
    }
  } wipe_secrets{parsed.entries};
  if (parsed.error) {
    // Only HERE's own keys are named: an unknown "key" may be a pasted secret (a line holding just
    // the secret reads as a key without value), and messages never show a secret.
    std::string key = parsed.error->key;
    std::string message = parsed.error->message;
    if (!key.empty() && !is_known_key(key)) {
      key.clear();
      message += " (of an unrecognised key)";
    }
    fail(error::credentials_malformed, source_name, parsed.error->line, std::move(key), message);
  }
  // Later duplicates win, as in java.util.Properties. Every entry of a HERE key is checked for
  // control characters, the overridden ones too: a NUL anywhere among them is a damaged file, and
  // the first one in file order is the one reported.
  std::map<std::string_view, const detail::property*> known;
  for (const auto& entry : parsed.entries) {
    if (!is_known_key(entry.key))
      continue;
    if (std::string problem = detail::control_character_problem(entry.value); !problem.empty())
      fail(error::credentials_malformed, source_name, entry.line, entry.key, problem);
    known[entry.key] = &entry;
  }
  auto require = [&](std::string_view key) -> const detail::property& {
    auto it = known.find(key);
    if (it == known.end())
      fail(error::credentials_missing, source_name, 0, std::string(key), "missing");
    if (it->second->value.empty()) {
      fail(error::credentials_missing, source_name, it->second->line, std::string(key),
           "empty value");
    }
    return *it->second;
  };

  credentials result;
  result.source = std::string(source_name);
  result.access_key_id = require(key_access_key_id).value;
  result.access_key_secret = secret_string(require(key_access_key_secret).value);
  if (auto it = known.find(key_endpoint_url); it != known.end()) {
    const auto& entry = *it->second;
    if (std::string problem = check_endpoint_url(entry.value); !problem.empty()) {
      fail(error::invalid_endpoint_url, source_name, entry.line, std::string(key_endpoint_url),
           "invalid token endpoint URL: " + problem);
    }
    result.token_endpoint_url = entry.value;
  }
  if (auto it = known.find(key_token_scope); it != known.end())
    result.scope = it->second->value;
  if (auto it = known.find(key_user_id); it != known.end())
    result.user_id = it->second->value;
  if (auto it = known.find(key_client_id); it != known.end())
    result.client_id = it->second->value;
  return result;
}

}  // namespace here::oauth

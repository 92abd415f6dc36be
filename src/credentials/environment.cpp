// SPDX-License-Identifier: Apache-2.0
// The environment source (HERE_ACCESS_KEY_ID, HERE_ACCESS_KEY_SECRET…) and the default chain:
// environment, then HERE_CREDENTIALS_FILE, then ~/.here/credentials.properties.
#include <here/oauth/credentials.hpp>

#include <cstdlib>
#include <system_error>

#include <here/oauth/error.hpp>

#include "credentials/credential_values.hpp"

namespace here::oauth {
namespace {

// A variable set to the empty string counts as not set.
const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// A credential's variable. A value that holds a control character (a CR from a file written on
// Windows, a pasted newline, a tab) is refused rather than signed with: the message names the
// variable and the character, never the value. (A NUL cannot reach us: it ends the C string.)
const char* credential_env(const char* name) {
  const char* value = env(name);
  if (value == nullptr)
    return nullptr;
  if (std::string problem = detail::control_character_problem(value); !problem.empty()) {
    throw credentials_error(error::credentials_malformed,
                            std::string("environment: ") + name + ": " + problem, {}, 0, name);
  }
  return value;
}

}  // namespace

credentials credentials_from_environment() {
  const char* id = credential_env("HERE_ACCESS_KEY_ID");
  const char* secret = credential_env("HERE_ACCESS_KEY_SECRET");
  if (id == nullptr && secret == nullptr) {
    throw credentials_error(
        error::credentials_not_found,
        "environment: HERE_ACCESS_KEY_ID and HERE_ACCESS_KEY_SECRET are not set");
  }
  if (id == nullptr || secret == nullptr) {
    std::string missing = id == nullptr ? "HERE_ACCESS_KEY_ID" : "HERE_ACCESS_KEY_SECRET";
    throw credentials_error(error::credentials_missing,
                            "environment: " + missing + " is not set or empty", {}, 0, missing);
  }
  credentials result;
  result.source = "environment";
  result.access_key_id = id;
  result.access_key_secret = secret_string(std::string_view(secret));
  if (const char* url = credential_env("HERE_TOKEN_ENDPOINT_URL")) {
    if (std::string problem = check_endpoint_url(url); !problem.empty()) {
      throw credentials_error(error::invalid_endpoint_url,
                              "environment: HERE_TOKEN_ENDPOINT_URL is invalid: " + problem, {}, 0,
                              "HERE_TOKEN_ENDPOINT_URL");
    }
    result.token_endpoint_url = url;
  }
  if (const char* scope = credential_env("HERE_TOKEN_SCOPE"))
    result.scope = scope;
  if (const char* user = credential_env("HERE_USER_ID"))
    result.user_id = user;
  if (const char* client = credential_env("HERE_CLIENT_ID"))
    result.client_id = client;
  return result;
}

credentials default_credentials() {
  std::string tried;
  auto note = [&tried](const std::string& what) {
    if (!tried.empty())
      tried += "; ";
    tried += what;
  };

  try {
    return credentials_from_environment();
  } catch (const credentials_error& e) {
    if (e.code() != make_error_code(error::credentials_not_found))
      throw;
    note("environment variables HERE_ACCESS_KEY_ID/HERE_ACCESS_KEY_SECRET (not set)");
  }

  // A file named explicitly must load: a typo in HERE_CREDENTIALS_FILE is an error, not a fallback.
  if (const char* file = env("HERE_CREDENTIALS_FILE"))
    return load_credentials(file);
  note("HERE_CREDENTIALS_FILE (not set)");

  if (const char* home = env("HOME")) {
    std::filesystem::path file = std::filesystem::path(home) / ".here" / "credentials.properties";
    std::error_code exists_ec;
    if (std::filesystem::exists(file, exists_ec))
      return load_credentials(file);
    note(file.string() + " (no such file)");
  } else {
    note("~/.here/credentials.properties (HOME not set)");
  }
  throw credentials_error(error::credentials_not_found, "searched " + tried);
}

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
// The environment source and the default chain: environment, HERE_CREDENTIALS_FILE, ~/.here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>

#include "credentials_test_support.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace fs = std::filesystem;
using test_support::contains;
using test_support::temp_dir;

template <class F>
credentials_error expect_error(F&& f) {
  return test_support::expect_credentials_error(std::forward<F>(f));
}

// ---------------------------------------------------------------------------------------------
// The environment and the default chain
// ---------------------------------------------------------------------------------------------

// Saves the variables the chain reads, clears them, points HOME at a fresh folder, and puts
// everything back afterwards.
class CredentialsEnvironment : public ::testing::Test {
 protected:
  static constexpr const char* variables[] = {
      "HERE_ACCESS_KEY_ID", "HERE_ACCESS_KEY_SECRET", "HERE_TOKEN_ENDPOINT_URL", "HERE_USER_ID",
      "HERE_CLIENT_ID",     "HERE_TOKEN_SCOPE",       "HERE_CREDENTIALS_FILE",   "HOME"};

  void SetUp() override {
    for (const char* name : variables) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
    set("HOME", home_.path().string());
  }

  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

  static void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

  fs::path home_file(std::string_view content) {
    return home_.write(fs::path(".here") / "credentials.properties", content);
  }

  temp_dir home_;
  temp_dir other_;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(CredentialsEnvironment, ReadsAllVariables) {
  set("HERE_ACCESS_KEY_ID", "env-id");
  set("HERE_ACCESS_KEY_SECRET", "env+secret/=");
  set("HERE_TOKEN_ENDPOINT_URL", "https://stg.account.api.here.com/oauth2/token");
  set("HERE_USER_ID", "HERE-user");
  set("HERE_CLIENT_ID", "client");
  credentials c = credentials_from_environment();
  EXPECT_EQ(c.access_key_id, "env-id");
  EXPECT_EQ(c.access_key_secret.reveal(), "env+secret/=");
  EXPECT_EQ(c.token_endpoint_url, "https://stg.account.api.here.com/oauth2/token");
  EXPECT_EQ(c.user_id, "HERE-user");
  EXPECT_EQ(c.client_id, "client");
  EXPECT_EQ(c.source, "environment");
}

TEST_F(CredentialsEnvironment, DefaultEndpoint) {
  set("HERE_ACCESS_KEY_ID", "id");
  set("HERE_ACCESS_KEY_SECRET", "s");
  EXPECT_EQ(credentials_from_environment().token_endpoint_url, default_token_endpoint);
  set("HERE_TOKEN_ENDPOINT_URL", "");  // empty counts as unset
  EXPECT_EQ(credentials_from_environment().token_endpoint_url, default_token_endpoint);
}

TEST_F(CredentialsEnvironment, NeitherVariableIsNotFound) {
  credentials_error e = expect_error([] { credentials_from_environment(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_not_found));
  set("HERE_ACCESS_KEY_ID", "");
  set("HERE_ACCESS_KEY_SECRET", "");
  e = expect_error([] { credentials_from_environment(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_not_found));
}

TEST_F(CredentialsEnvironment, OnlyOneVariableIsMissing) {
  set("HERE_ACCESS_KEY_ID", "id");
  credentials_error e = expect_error([] { credentials_from_environment(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_missing));
  EXPECT_EQ(e.key(), "HERE_ACCESS_KEY_SECRET");
  EXPECT_TRUE(contains(e.what(), "HERE_ACCESS_KEY_SECRET")) << e.what();
  EXPECT_EQ(e.file(), fs::path());

  unsetenv("HERE_ACCESS_KEY_ID");
  set("HERE_ACCESS_KEY_SECRET", "s");
  e = expect_error([] { credentials_from_environment(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_missing));
  EXPECT_EQ(e.key(), "HERE_ACCESS_KEY_ID");
}

TEST_F(CredentialsEnvironment, InvalidEndpointVariable) {
  set("HERE_ACCESS_KEY_ID", "id");
  set("HERE_ACCESS_KEY_SECRET", "s");
  set("HERE_TOKEN_ENDPOINT_URL", "ftp://h/token");
  credentials_error e = expect_error([] { credentials_from_environment(); });
  EXPECT_EQ(e.code(), make_error_code(error::invalid_endpoint_url));
  EXPECT_EQ(e.key(), "HERE_TOKEN_ENDPOINT_URL");
  EXPECT_TRUE(contains(e.what(), "HERE_TOKEN_ENDPOINT_URL")) << e.what();
}

TEST_F(CredentialsEnvironment, ChainPrefersTheEnvironment) {
  set("HERE_ACCESS_KEY_ID", "from-env");
  set("HERE_ACCESS_KEY_SECRET", "s");
  set("HERE_CREDENTIALS_FILE",
      other_.write("named.properties", "here.access.key.id=from-named\nhere.access.key.secret=s")
          .string());
  home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials c = default_credentials();
  EXPECT_EQ(c.access_key_id, "from-env");
  EXPECT_EQ(c.source, "environment");
}

TEST_F(CredentialsEnvironment, ChainThenTheNamedFile) {
  const fs::path named =
      other_.write("named.properties", "here.access.key.id=from-named\nhere.access.key.secret=s");
  set("HERE_CREDENTIALS_FILE", named.string());
  home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials c = default_credentials();
  EXPECT_EQ(c.access_key_id, "from-named");
  EXPECT_EQ(c.source, named.string());
}

TEST_F(CredentialsEnvironment, ChainThenTheHomeFile) {
  const fs::path file = home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials c = default_credentials();
  EXPECT_EQ(c.access_key_id, "from-home");
  EXPECT_EQ(c.source, file.string());
}

TEST_F(CredentialsEnvironment, HalfSetEnvironmentIsAnErrorNotAFallback) {
  set("HERE_ACCESS_KEY_ID", "id");
  home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_missing));
  EXPECT_EQ(e.key(), "HERE_ACCESS_KEY_SECRET");
}

TEST_F(CredentialsEnvironment, MissingNamedFileIsAnErrorNotAFallback) {
  const fs::path named = other_.path() / "typo.properties";
  set("HERE_CREDENTIALS_FILE", named.string());
  home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_EQ(e.file(), named);
}

TEST_F(CredentialsEnvironment, BrokenHomeFileIsAnError) {
  const fs::path file = home_file("here.access.key.id=id\nhere.access.key.secret=\\u12\n");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.line(), 2u);
}

TEST_F(CredentialsEnvironment, NothingFoundListsEverythingTried) {
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_not_found));
  const std::string what = e.what();
  const std::string home_path = (home_.path() / ".here" / "credentials.properties").string();
  const auto env_at = what.find("HERE_ACCESS_KEY_ID");
  const auto named_at = what.find("HERE_CREDENTIALS_FILE");
  const auto home_at = what.find(home_path);
  ASSERT_NE(env_at, std::string::npos) << what;
  ASSERT_NE(named_at, std::string::npos) << what;
  ASSERT_NE(home_at, std::string::npos) << what;
  // In the order they were tried.
  EXPECT_LT(env_at, named_at);
  EXPECT_LT(named_at, home_at);
}

TEST_F(CredentialsEnvironment, NothingFoundWithoutHome) {
  unsetenv("HOME");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_not_found));
  EXPECT_TRUE(contains(e.what(), "HOME not set")) << e.what();
}

TEST_F(CredentialsEnvironment, HomeDotHereFolderWithoutTheFileIsNotFound) {
  fs::create_directories(home_.path() / ".here");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_not_found));
}

TEST_F(CredentialsEnvironment, ScopeVariableGivesTheDefaultScope) {
  set("HERE_ACCESS_KEY_ID", "id");
  set("HERE_ACCESS_KEY_SECRET", "s");
  EXPECT_EQ(credentials_from_environment().scope, "");
  set("HERE_TOKEN_SCOPE", "hrn:here:authorization::org1:project/p1");
  EXPECT_EQ(credentials_from_environment().scope, "hrn:here:authorization::org1:project/p1");
  set("HERE_TOKEN_SCOPE", "");  // empty counts as unset
  EXPECT_EQ(credentials_from_environment().scope, "");
}

TEST_F(CredentialsEnvironment, OnlyFilesAreRemembered) {
  set("HERE_ACCESS_KEY_ID", "id");
  set("HERE_ACCESS_KEY_SECRET", "s");
  EXPECT_EQ(default_credentials().file, fs::path());
  unsetenv("HERE_ACCESS_KEY_ID");
  unsetenv("HERE_ACCESS_KEY_SECRET");
  const fs::path file = home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials c = default_credentials();
  EXPECT_EQ(c.file, file);
  EXPECT_EQ(c.file_version.size, fs::file_size(file));
}

TEST_F(CredentialsEnvironment, ControlCharactersInAVariableAreMalformed) {
  // A NUL cannot be in an environment variable (it ends the C string); the other control
  // characters can, e.g. the CR of a value read from a file written on Windows.
  const char* names[] = {"HERE_ACCESS_KEY_ID", "HERE_ACCESS_KEY_SECRET", "HERE_TOKEN_ENDPOINT_URL",
                         "HERE_TOKEN_SCOPE",   "HERE_USER_ID",           "HERE_CLIENT_ID"};
  const std::pair<std::string, std::string> bad[] = {{"\r", "CR, 0x0D"},    {"\n", "LF, 0x0A"},
                                                     {"\t", "tab, 0x09"},   {"\x01", "SOH, 0x01"},
                                                     {"\x1B", "ESC, 0x1B"}, {"\x7F", "DEL, 0x7F"}};
  for (const char* name : names) {
    for (const auto& [ch, description] : bad) {
      SCOPED_TRACE(std::string(name) + " with " + description);
      set("HERE_ACCESS_KEY_ID", "id");
      set("HERE_ACCESS_KEY_SECRET", "Distinctive~Secret");
      const std::string value = std::string(name) == "HERE_TOKEN_ENDPOINT_URL"
                                    ? "https://h.example/token" + ch
                                    : "Distinctive~Value" + ch + "tail";
      set(name, value);
      credentials_error e = expect_error([] { credentials_from_environment(); });
      EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
      EXPECT_EQ(e.key(), name);
      EXPECT_EQ(e.file(), fs::path());
      const std::string what = e.what();
      EXPECT_TRUE(contains(what, std::string("environment: ") + name)) << what;
      EXPECT_TRUE(contains(what, description)) << what;
      EXPECT_FALSE(contains(what, "Distinctive~")) << what;
      EXPECT_FALSE(contains(what, "tail")) << what;
      unsetenv(name);
    }
  }
}

TEST_F(CredentialsEnvironment, AMalformedVariableStopsTheChain) {
  set("HERE_ACCESS_KEY_ID", "id");
  set("HERE_ACCESS_KEY_SECRET", "secret\r");
  home_file("here.access.key.id=from-home\nhere.access.key.secret=s");
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
  EXPECT_EQ(e.key(), "HERE_ACCESS_KEY_SECRET");
}

TEST_F(CredentialsEnvironment, PathVariablesAreNotCredentials) {
  // HERE_CREDENTIALS_FILE and HOME are paths: no control-character rule applies to them (the
  // file's absence is the error here).
  set("HERE_CREDENTIALS_FILE", (other_.path() / "odd\tname.properties").string());
  credentials_error e = expect_error([] { default_credentials(); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
}

}  // namespace
}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/secret_string.hpp>
#include "signing/signer.hpp"

#include "temp_dir.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

namespace fs = std::filesystem;
using test_support::temp_dir;

std::string streamed(const secret_string& s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

secret_string make(std::string_view text) {
  return secret_string(text);
}

// ---------------------------------------------------------------------------------------------
// secret_string
// ---------------------------------------------------------------------------------------------

TEST(SecretString, DefaultIsEmpty) {
  secret_string s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.reveal(), "");
  EXPECT_EQ(streamed(s), "<empty>");
  EXPECT_EQ(make(""), s);
  EXPECT_TRUE(make("").empty());
}

TEST(SecretString, StreamsAsRedacted) {
  secret_string s = make("hunter2-very-secret");
  EXPECT_EQ(streamed(s), "<redacted>");
  // GoogleTest prints values in failure messages with the same operator.
  EXPECT_EQ(::testing::PrintToString(s), "<redacted>");
}

TEST(SecretString, RevealGivesTheExactBytes) {
  const std::string bytes("a\0b\xC3\xA9\xFF", 6);
  secret_string s(std::string_view{bytes});
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(s.reveal(), bytes);
}

TEST(SecretString, TakingAStringWipesTheCallersCopy) {
  std::string source = "a-secret-long-enough-to-live-on-the-heap";
  secret_string s(std::move(source));
  EXPECT_EQ(s.reveal(), "a-secret-long-enough-to-live-on-the-heap");
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): wiped on purpose
}

TEST(SecretString, CopyIsEqualAndIndependent) {
  secret_string a = make("original-secret");
  secret_string b(a);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b.reveal(), "original-secret");
  EXPECT_NE(a.reveal().data(), b.reveal().data());
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(b.reveal(), "original-secret");
}

TEST(SecretString, CopyAssignment) {
  secret_string a = make("first");
  secret_string b = make("a-much-longer-second-secret");
  a = b;
  EXPECT_EQ(a.reveal(), "a-much-longer-second-secret");
  EXPECT_EQ(a, b);
  EXPECT_NE(a.reveal().data(), b.reveal().data());
  b = secret_string();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(a.reveal(), "a-much-longer-second-secret");

  secret_string empty;
  a = empty;
  EXPECT_TRUE(a.empty());
}

TEST(SecretString, SelfAssignmentKeepsTheValue) {
  secret_string a = make("self");
  const secret_string& alias = a;
  a = alias;
  EXPECT_EQ(a.reveal(), "self");
  secret_string& same = a;
  a = std::move(same);
  EXPECT_EQ(a.reveal(), "self");
}

TEST(SecretString, MoveHandsOverTheBufferAndEmptiesTheSource) {
  secret_string a = make("moving-secret");
  const char* buffer = a.reveal().data();
  secret_string b(std::move(a));
  EXPECT_EQ(b.reveal(), "moving-secret");
  EXPECT_EQ(b.reveal().data(), buffer);  // no copy was made
  EXPECT_TRUE(a.empty());                // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.reveal(), "");             // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(a.size(), 0u);               // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(streamed(a), "<empty>");     // NOLINT(bugprone-use-after-move)
}

TEST(SecretString, MoveAssignment) {
  secret_string a = make("old");
  secret_string b = make("new-secret");
  const char* buffer = b.reveal().data();
  a = std::move(b);
  EXPECT_EQ(a.reveal(), "new-secret");
  EXPECT_EQ(a.reveal().data(), buffer);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)

  // A moved-from secret can be used again.
  b = make("again");
  EXPECT_EQ(b.reveal(), "again");
}

TEST(SecretString, ClearEmptiesAndCanBeRepeated) {
  secret_string s = make("to-be-cleared");
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.reveal(), "");
  s.clear();
  EXPECT_TRUE(s.empty());
}

TEST(SecretString, Equality) {
  EXPECT_EQ(make("abc"), make("abc"));
  EXPECT_FALSE(make("abc") == make("abd"));  // same length, other bytes
  EXPECT_FALSE(make("abc") == make("abcd"));
  EXPECT_FALSE(make("abc") == make(""));
  EXPECT_EQ(secret_string(), make(""));
  EXPECT_NE(make("abc"), make("ABC"));
  EXPECT_EQ(make(std::string_view("a\0b", 3)), make(std::string_view("a\0b", 3)));
  EXPECT_NE(make(std::string_view("a\0b", 3)), make(std::string_view("a\0c", 3)));
}

TEST(SecretString, CredentialsCopyTheirSecret) {
  credentials a;
  a.access_key_secret = make("credential-secret");
  credentials b = a;
  EXPECT_EQ(b.access_key_secret.reveal(), "credential-secret");
  credentials c = std::move(a);
  EXPECT_EQ(c.access_key_secret.reveal(), "credential-secret");
}

// ---------------------------------------------------------------------------------------------
// No error message ever contains the secret
// ---------------------------------------------------------------------------------------------

// Recognisable, and with characters that are escaped in some places ('+', '/', '=', ':').
constexpr std::string_view marker = "Zq9+SECRET/MARKER=x:7";
// Pieces that must not show up either: a long part, and the percent-encoded form.
const std::vector<std::string> forbidden{"SECRET/MARKER", "SECRET%2FMARKER", "SECRET", "MARKER"};

void expect_clean(std::string_view text, std::string_view context) {
  for (const auto& piece : forbidden) {
    EXPECT_EQ(text.find(piece), std::string_view::npos) << context << " shows the secret: " << text;
  }
}

void expect_clean(const credentials_error& e, std::string_view context) {
  expect_clean(e.what(), context);
  expect_clean(e.key(), context);
  expect_clean(e.file().string(), context);
}

// Every way a credentials file can be wrong, each with the secret somewhere in it.
std::vector<std::pair<std::string, std::string>> broken_files() {
  const std::string m(marker);
  const std::string id = "here.access.key.id = id\n";
  const std::string secret = "here.access.key.secret = " + m + "\n";
  return {
      {"bad_u_escape_in_secret", id + "here.access.key.secret = " + m + "\\u12G4\n"},
      {"bad_u_escape_before_secret", id + "here.access.key.secret = \\u12" + m + "\n"},
      {"unpaired_surrogate_in_secret", id + "here.access.key.secret = " + m + "\\uD83D\n"},
      {"low_surrogate_in_secret", id + "here.access.key.secret = " + m + "\\uDE00\n"},
      {"secret_continued_into_bad_escape", id + "here.access.key.secret = " + m + "\\\n  \\uZZ\n"},
      {"secret_pasted_as_key_with_bad_escape", id + secret + m + " = \\uZZZZ\n"},
      {"secret_pasted_as_key_with_bad_key_escape", id + secret + m + "\\u00\n"},
      {"secret_on_key_less_line", id + "= " + m + "\n"},
      {"secret_on_key_less_colon_line", id + ": " + m + "\n"},
      {"missing_id", secret},
      {"empty_id", "here.access.key.id =\n" + secret},
      {"empty_secret_after_real_one", id + secret + "here.access.key.secret =\n"},
      {"secret_as_url", id + secret + "here.token.endpoint.url = " + m + "\n"},
      {"secret_in_url_userinfo",
       id + secret + "here.token.endpoint.url = https://id:" + m + "@h.example/token\n"},
      {"secret_in_url_path_with_bad_scheme",
       id + secret + "here.token.endpoint.url = ftp://h.example/" + m + "\n"},
      {"secret_in_url_fragment",
       id + secret + "here.token.endpoint.url = https://h.example/token#" + m + "\n"},
      {"wrapped_port", id + secret + "here.token.endpoint.url = https://h.example:65979/t\n"},
      {"too_large", id + secret + std::string(1024 * 1024, '#')},
  };
}

TEST(NoSecretInMessages, CredentialsFileErrors) {
  temp_dir dir;
  for (const auto& [name, content] : broken_files()) {
    SCOPED_TRACE(name);
    const fs::path file = dir.write(name + ".properties", content);
    bool threw = false;
    try {
      load_credentials(file);
    } catch (const credentials_error& e) {
      threw = true;
      expect_clean(e, name);
    }
    EXPECT_TRUE(threw);

    boost::system::error_code ec;
    std::string diagnostic;
    load_credentials(file, ec, diagnostic);
    EXPECT_TRUE(ec);
    expect_clean(diagnostic, name + " (error_code overload)");

    if (name != "too_large") {
      try {
        parse_credentials(content, "text");
        ADD_FAILURE() << "parse_credentials accepted it";
      } catch (const credentials_error& e) {
        expect_clean(e, name + " (parse_credentials)");
      }
    }
  }
}

class NoSecretInMessagesEnvironment : public ::testing::Test {
 protected:
  static constexpr const char* variables[] = {"HERE_ACCESS_KEY_ID",
                                              "HERE_ACCESS_KEY_SECRET",
                                              "HERE_TOKEN_ENDPOINT_URL",
                                              "HERE_USER_ID",
                                              "HERE_CLIENT_ID",
                                              "HERE_CREDENTIALS_FILE",
                                              "HOME"};

  void SetUp() override {
    for (const char* name : variables) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
    setenv("HOME", home_.path().c_str(), 1);
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

  // Runs both environment entry points, which must fail, and checks their messages.
  void expect_failures_clean(const std::string& context) {
    for (auto& [which, f] : std::vector<std::pair<std::string, std::function<void()>>>{
             {"credentials_from_environment", [] { credentials_from_environment(); }},
             {"default_credentials", [] { default_credentials(); }}}) {
      try {
        f();
        ADD_FAILURE() << context << ": " << which << " succeeded";
      } catch (const credentials_error& e) {
        expect_clean(e, context + " (" + which + ")");
      }
    }
  }

  temp_dir home_;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(NoSecretInMessagesEnvironment, EnvironmentErrors) {
  const std::string m(marker);
  setenv("HERE_ACCESS_KEY_SECRET", m.c_str(), 1);
  expect_failures_clean("secret without id");

  setenv("HERE_ACCESS_KEY_ID", "id", 1);
  for (const std::string& url :
       {m, "ftp://h.example/" + m, "https://id:" + m + "@h.example/", "https://h.example/#" + m}) {
    setenv("HERE_TOKEN_ENDPOINT_URL", url.c_str(), 1);
    expect_failures_clean("endpoint " + url);
  }
}

TEST_F(NoSecretInMessagesEnvironment, DefaultChainFileErrors) {
  for (const auto& [name, content] : broken_files()) {
    SCOPED_TRACE(name);
    const fs::path file = home_.write(fs::path(name) / "credentials.properties", content);
    setenv("HERE_CREDENTIALS_FILE", file.c_str(), 1);
    try {
      default_credentials();
      ADD_FAILURE() << "default_credentials accepted " << name;
    } catch (const credentials_error& e) {
      expect_clean(e, name);
    }
  }
}

TEST(NoSecretInMessages, SignerErrors) {
  signature_input in;
  in.consumer_key = "id";
  in.consumer_secret = marker;
  in.nonce = "n";
  for (std::string_view url : {"not a url", "ftp://h.example/", "https://h.example:99999/",
                               "https://h.example/?q=%zz", "https:///path"}) {
    in.url = url;
    try {
      sign_request(in);
      ADD_FAILURE() << "signed " << url;
    } catch (const std::invalid_argument& e) {
      expect_clean(e.what(), url);
    }
  }
}

TEST(NoSecretInMessages, SignedRequestCarriesNoSecret) {
  const parameter_list body{{"grant_type", "client_credentials"}};
  request_signer signer("id", secret_string(marker));
  signed_request out = signer.sign("POST", "https://account.api.here.com/oauth2/token", body);
  expect_clean(out.authorization_header, "authorization header");
  expect_clean(out.signature_base_string, "base string");
}

}  // namespace
}  // namespace here::oauth

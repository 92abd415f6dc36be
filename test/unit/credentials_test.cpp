// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
using test_support::temp_dir;

// What HERE's platform portal lets you download, with made-up values of the real shape.
constexpr std::string_view here_file =
    "here.user.id = HERE-6c8f7b1a-2d3e-4f5a-9b8c-0d1e2f3a4b5c\n"
    "here.client.id = Xy9ZaBcDeFgHiJkLmNoP\n"
    "here.access.key.id = Qx3zT7uVbN2mK8pLw4Rj\n"
    "here.access.key.secret = aB3-dE6_gH9iJ2kL5mN8oP1qR4sT7uV0wX3yZ6aB9cD2eF5gH8iJ1kL4mN7oP0q\n"
    "here.token.endpoint.url = https://account.api.here.com/oauth2/token\n";

constexpr std::string_view minimal = test_support::minimal_credentials;
using test_support::contains;

template <class F>
credentials_error expect_error(F&& f) {
  return test_support::expect_credentials_error(std::forward<F>(f));
}

// ---------------------------------------------------------------------------------------------
// parse_credentials: the content
// ---------------------------------------------------------------------------------------------

TEST(ParseCredentials, RealHereFileLoadsUnchanged) {
  credentials c = parse_credentials(here_file, "credentials.properties");
  EXPECT_EQ(c.user_id, "HERE-6c8f7b1a-2d3e-4f5a-9b8c-0d1e2f3a4b5c");
  EXPECT_EQ(c.client_id, "Xy9ZaBcDeFgHiJkLmNoP");
  EXPECT_EQ(c.access_key_id, "Qx3zT7uVbN2mK8pLw4Rj");
  EXPECT_EQ(c.access_key_secret.reveal(),
            "aB3-dE6_gH9iJ2kL5mN8oP1qR4sT7uV0wX3yZ6aB9cD2eF5gH8iJ1kL4mN7oP0q");
  EXPECT_EQ(c.token_endpoint_url, "https://account.api.here.com/oauth2/token");
  EXPECT_EQ(c.source, "credentials.properties");
}

TEST(ParseCredentials, RealHereFileWithWindowsLineEndsAndBom) {
  std::string text = "\xEF\xBB\xBF";
  for (char ch : here_file) {
    if (ch == '\n')
      text += '\r';
    text += ch;
  }
  credentials c = parse_credentials(text, "f");
  EXPECT_EQ(c.access_key_id, "Qx3zT7uVbN2mK8pLw4Rj");
  EXPECT_EQ(c.access_key_secret.reveal(),
            "aB3-dE6_gH9iJ2kL5mN8oP1qR4sT7uV0wX3yZ6aB9cD2eF5gH8iJ1kL4mN7oP0q");
  EXPECT_EQ(c.token_endpoint_url, "https://account.api.here.com/oauth2/token");
}

TEST(ParseCredentials, DefaultEndpointWhenTheFileNamesNone) {
  credentials c = parse_credentials(minimal, "f");
  EXPECT_EQ(c.token_endpoint_url, default_token_endpoint);
  EXPECT_EQ(c.token_endpoint_url, "https://account.api.here.com/oauth2/token");
  EXPECT_EQ(c.user_id, "");
  EXPECT_EQ(c.client_id, "");
}

TEST(ParseCredentials, EverySeparatorStyle) {
  for (std::string_view text : {
           "here.access.key.id = id\nhere.access.key.secret = secret",
           "here.access.key.id=id\nhere.access.key.secret=secret",
           "here.access.key.id: id\nhere.access.key.secret: secret",
           "here.access.key.id id\nhere.access.key.secret secret",
           "  here.access.key.id\t=\tid  \n\there.access.key.secret :secret\t",
       }) {
    credentials c = parse_credentials(text, "f");
    EXPECT_EQ(c.access_key_id, "id") << text;
    EXPECT_EQ(c.access_key_secret.reveal(), "secret") << text;
  }
}

TEST(ParseCredentials, CommentsBlankLinesAndContinuations) {
  credentials c = parse_credentials(
      "# HERE credentials\n! downloaded today\n\n   \n"
      "here.access.key.id = first\\\n     part\n"
      "here.access.key.secret = se\\\n\tcret\\u00e9\n",
      "f");
  EXPECT_EQ(c.access_key_id, "firstpart");
  EXPECT_EQ(c.access_key_secret.reveal(), "secret\xC3\xA9");
}

TEST(ParseCredentials, SecretWithEqualsAndColonIsKeptWhole) {
  // HERE's own C++ SDK splits each line at every '=' and loses everything after the second one.
  credentials c = parse_credentials(
      "here.access.key.id = id\nhere.access.key.secret = a+b/c=d:e==f::g=\n", "f");
  EXPECT_EQ(c.access_key_secret.reveal(), "a+b/c=d:e==f::g=");
}

TEST(ParseCredentials, EscapesInTheSecret) {
  // (\t, \n, \r and \f work too, but give control characters, which no HERE credential holds:
  // CredentialValues.EveryControlCharacterRawOrEscapedIsRefused.)
  credentials c = parse_credentials(
      "here.access.key.id = id\nhere.access.key.secret = \\ a\\qb\\=c\\:d\\\\e\\uD83D\\uDE00\\ \n",
      "f");
  EXPECT_EQ(c.access_key_secret.reveal(), " aqb=c:d\\e\xF0\x9F\x98\x80 ");
}

TEST(ParseCredentials, TrailingBlanksOfAPastedSecretAreDropped) {
  credentials c =
      parse_credentials("here.access.key.id = id  \nhere.access.key.secret = s3 \t\n", "f");
  EXPECT_EQ(c.access_key_id, "id");
  EXPECT_EQ(c.access_key_secret.reveal(), "s3");
}

TEST(ParseCredentials, LaterDuplicatesWin) {
  credentials c = parse_credentials(
      "here.access.key.id = old\nhere.access.key.secret = old-secret\n"
      "here.token.endpoint.url = https://old.example/token\n"
      "here.access.key.id = new\nhere.access.key.secret = new-secret\n"
      "here.token.endpoint.url = https://new.example/token\n",
      "f");
  EXPECT_EQ(c.access_key_id, "new");
  EXPECT_EQ(c.access_key_secret.reveal(), "new-secret");
  EXPECT_EQ(c.token_endpoint_url, "https://new.example/token");
}

TEST(ParseCredentials, EarlierEmptyDuplicateIsOverridden) {
  credentials c = parse_credentials(
      "here.access.key.secret =\nhere.access.key.id = id\nhere.access.key.secret = s\n", "f");
  EXPECT_EQ(c.access_key_secret.reveal(), "s");
}

TEST(ParseCredentials, UnknownKeysAreIgnored) {
  credentials c = parse_credentials(
      "here.something.new = 1\nfoo = bar\nhere.access.key.id = id\n"
      "HERE.ACCESS.KEY.SECRET = not-this-one\nhere.access.key.secret = s\n",
      "f");
  EXPECT_EQ(c.access_key_id, "id");
  EXPECT_EQ(c.access_key_secret.reveal(), "s");
}

TEST(ParseCredentials, HttpEndpointIsAccepted) {
  // Allowed here (a local test server); the transport refuses it unless plain HTTP is enabled.
  credentials c = parse_credentials(
      std::string(minimal) + "here.token.endpoint.url = http://127.0.0.1:8080/oauth2/token\n", "f");
  EXPECT_EQ(c.token_endpoint_url, "http://127.0.0.1:8080/oauth2/token");
}

TEST(ParseCredentials, KeyAndEndpointMayUseUnicode) {
  credentials c = parse_credentials(
      "here.access.key.id = cl\\u00e9-\xE6\x97\xA5\xE6\x9C\xAC\nhere.access.key.secret = s\n", "f");
  EXPECT_EQ(c.access_key_id, "cl\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC");
}

// ---------------------------------------------------------------------------------------------
// check_endpoint_url
// ---------------------------------------------------------------------------------------------

TEST(EndpointUrl, AcceptsAbsoluteHttpAndHttpsUrls) {
  for (std::string_view good :
       {"https://account.api.here.com/oauth2/token", "http://localhost:8080/token",
        "HTTPS://ACCOUNT.API.HERE.COM/oauth2/token", "https://h:443/t", "https://[::1]:8443/t",
        "https://h/t?x=1", "https://h", "https://h:65535/"}) {
    EXPECT_EQ(check_endpoint_url(good), "") << good;
  }
}

TEST(EndpointUrl, RejectsTheRest) {
  for (std::string_view bad :
       {"", "account.api.here.com/oauth2/token", "/oauth2/token", "ftp://h/t", "file:///etc/passwd",
        "https://", "https:///t", "https:no-host", "https://user:pw@h/t", "https://h/t#frag",
        "https://h:0/t", "https://h:65536/t", "https://h:65979/t", "https://h:/t",
        "https://h:99999999999/t", "https://h t/", "not a url"}) {
    EXPECT_NE(check_endpoint_url(bad), "") << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors from files: code, file(), line(), key() and what()
// ---------------------------------------------------------------------------------------------

struct error_case {
  const char* name;
  std::string content;
  error code;
  unsigned line;
  std::string key;
};

std::vector<error_case> error_cases() {
  return {
      {"bad_u_escape_in_secret",
       "# c\nhere.access.key.id = id\nhere.access.key.secret = ab\\u12G4cd\n",
       error::credentials_malformed, 3, "here.access.key.secret"},
      {"unpaired_surrogate_in_id", "here.access.key.id = \\uD83D\nhere.access.key.secret = s\n",
       error::credentials_malformed, 1, "here.access.key.id"},
      {"bad_u_escape_in_key", "here.access.key.id = id\nhere.access\\u00.key.secret = s\n",
       error::credentials_malformed, 2, ""},
      {"bad_u_escape_under_unknown_key", "here.access.key.id = id\nmystery = \\uZZZZ\n",
       error::credentials_malformed, 2, ""},
      {"key_less_line", "here.access.key.id = id\n\n = s\nhere.access.key.secret = s\n",
       error::credentials_malformed, 3, ""},
      {"missing_id", "here.access.key.secret = s\n", error::credentials_missing, 0,
       "here.access.key.id"},
      {"missing_secret", "here.access.key.id = id\n", error::credentials_missing, 0,
       "here.access.key.secret"},
      {"empty_file", "", error::credentials_missing, 0, "here.access.key.id"},
      {"empty_id", "here.access.key.id =   \nhere.access.key.secret = s\n",
       error::credentials_missing, 1, "here.access.key.id"},
      {"empty_secret", "here.access.key.id = id\nhere.access.key.secret =\n",
       error::credentials_missing, 2, "here.access.key.secret"},
      {"later_empty_secret_wins",
       "here.access.key.id = id\nhere.access.key.secret = s\n"
       "here.access.key.secret = \n",
       error::credentials_missing, 3, "here.access.key.secret"},
      {"malformed_url", std::string(minimal) + "here.token.endpoint.url = not a url\n",
       error::invalid_endpoint_url, 3, "here.token.endpoint.url"},
      {"ftp_url", std::string(minimal) + "\nhere.token.endpoint.url = ftp://h/token\n",
       error::invalid_endpoint_url, 4, "here.token.endpoint.url"},
      {"empty_url", std::string(minimal) + "here.token.endpoint.url =\n",
       error::invalid_endpoint_url, 3, "here.token.endpoint.url"},
      {"wrapped_port", std::string(minimal) + "here.token.endpoint.url = https://h:65979/t\n",
       error::invalid_endpoint_url, 3, "here.token.endpoint.url"},
  };
}

TEST(LoadCredentials, EveryMalformedFileGivesAPreciseError) {
  temp_dir dir;
  for (const auto& c : error_cases()) {
    SCOPED_TRACE(c.name);
    const fs::path file = dir.write(std::string(c.name) + ".properties", c.content);
    credentials_error e = expect_error([&] { load_credentials(file); });
    EXPECT_EQ(e.code(), make_error_code(c.code));
    EXPECT_EQ(e.file(), file);
    EXPECT_EQ(e.line(), c.line);
    EXPECT_EQ(e.key(), c.key);
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, file.string())) << what;
    if (c.line != 0) {
      EXPECT_TRUE(contains(what, file.string() + ":" + std::to_string(c.line))) << what;
    }
    if (!c.key.empty()) {
      EXPECT_TRUE(contains(what, "'" + c.key + "'")) << what;
    }
  }
}

TEST(LoadCredentials, ParseCredentialsReportsTheSourceName) {
  credentials_error e =
      expect_error([] { parse_credentials("here.access.key.id = id\n", "my-source"); });
  EXPECT_EQ(e.file(), fs::path("my-source"));
  EXPECT_TRUE(contains(e.what(), "my-source")) << e.what();
}

TEST(LoadCredentials, ReadsAGoodFile) {
  temp_dir dir;
  const fs::path file = dir.write("credentials.properties", here_file);
  credentials c = load_credentials(file);
  EXPECT_EQ(c.access_key_id, "Qx3zT7uVbN2mK8pLw4Rj");
  EXPECT_EQ(c.source, file.string());
}

TEST(LoadCredentials, MissingFile) {
  temp_dir dir;
  const fs::path file = dir.path() / "nope.properties";
  credentials_error e = expect_error([&] { load_credentials(file); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.line(), 0u);
  EXPECT_TRUE(contains(e.what(), file.string())) << e.what();
  EXPECT_TRUE(contains(e.what(), "No such file")) << e.what();
}

TEST(LoadCredentials, DirectoryInsteadOfFile) {
  temp_dir dir;
  credentials_error e = expect_error([&] { load_credentials(dir.path()); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_EQ(e.file(), dir.path());
  EXPECT_TRUE(contains(e.what(), "directory")) << e.what();
}

TEST(LoadCredentials, PathThroughARegularFile) {
  temp_dir dir;
  const fs::path file = dir.write("plain", "x") / "credentials.properties";
  credentials_error e = expect_error([&] { load_credentials(file); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "Not a directory")) << e.what();
}

TEST(LoadCredentials, UnreadableFile) {
  temp_dir dir;
  const fs::path file = dir.write("secret.properties", minimal);
  fs::permissions(file, fs::perms::none);
  if (std::ifstream(file))
    GTEST_SKIP() << "running with privileges that read any file";
  credentials_error e = expect_error([&] { load_credentials(file); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "Permission denied")) << e.what();
}

TEST(LoadCredentials, FileLargerThanOneMebibyteIsRefused) {
  temp_dir dir;
  const fs::path file =
      dir.write("huge.properties", std::string(minimal) + std::string(1024 * 1024, '#'));
  credentials_error e = expect_error([&] { load_credentials(file); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "1 MiB")) << e.what();
}

TEST(LoadCredentials, ErrorCodeOverloadDoesNotThrow) {
  temp_dir dir;
  const fs::path file = dir.write("c.properties", "here.access.key.secret = s\n");
  boost::system::error_code ec;
  std::string diagnostic;
  credentials c;
  EXPECT_NO_THROW(c = load_credentials(file, ec, diagnostic));
  EXPECT_EQ(ec, make_error_code(error::credentials_missing));
  EXPECT_TRUE(contains(diagnostic, file.string())) << diagnostic;
  EXPECT_TRUE(contains(diagnostic, "here.access.key.id")) << diagnostic;
  EXPECT_EQ(c.access_key_id, "");
  EXPECT_TRUE(c.access_key_secret.empty());

  boost::system::error_code ec2;
  EXPECT_NO_THROW(c = load_credentials(dir.path() / "missing", ec2));
  EXPECT_EQ(ec2, make_error_code(error::credentials_file_unreadable));
  EXPECT_NO_THROW(c = load_credentials(dir.path(), ec2));
  EXPECT_EQ(ec2, make_error_code(error::credentials_file_unreadable));
}

TEST(LoadCredentials, ErrorCodeOverloadClearsOldErrorsOnSuccess) {
  temp_dir dir;
  const fs::path file = dir.write("c.properties", minimal);
  boost::system::error_code ec = make_error_code(error::timeout);
  std::string diagnostic = "stale";
  credentials c = load_credentials(file, ec, diagnostic);
  EXPECT_FALSE(ec);
  EXPECT_EQ(diagnostic, "");
  EXPECT_EQ(c.access_key_id, "id");
}

}  // namespace
}  // namespace here::oauth

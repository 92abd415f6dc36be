// SPDX-License-Identifier: Apache-2.0
// Control characters (a NUL above all) inside the values of a credentials file: refused as a
// malformed file naming file, line and key, never the value.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>

#include "credentials/credential_values.hpp"
#include "credentials_test_support.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using test_support::contains;
using test_support::temp_dir;

constexpr std::string_view secret_head = "Qx3~zT7uVbN2";
constexpr std::string_view secret_tail = "mK8pLw4Rj~Sec";

// A file whose line 3 holds key = <secret_head><bad><secret_tail> (as raw bytes or escaped).
std::string file_with(std::string_view key, std::string_view bad) {
  std::string text = "# made up\nhere.access.key.id = id\n";
  if (key == "here.access.key.id")
    text = "# made up\nhere.access.key.secret = s\n";
  text += std::string(key) + " = " + std::string(secret_head) + std::string(bad) +
          std::string(secret_tail) + "\n";
  text += key == "here.access.key.id" ? "" : "here.access.key.secret = other\n";
  return text;
}

void expect_refused(const credentials_error& e, const fs::path& file, std::string_view key,
                    std::string_view character) {
  EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.key(), key);
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, file.string() + ":3:")) << what;
  EXPECT_TRUE(contains(what, "'" + std::string(key) + "'")) << what;
  EXPECT_TRUE(contains(what, character)) << what;
  EXPECT_FALSE(contains(what, secret_head)) << what;
  EXPECT_FALSE(contains(what, secret_tail)) << what;
}

TEST(CredentialValues, ANulInsideTheSecretIsAMalformedFileNotASignedSecret) {
  temp_dir dir;
  const fs::path file = dir.write("nul.properties", file_with("here.access.key.secret", "\0"s));
  ASSERT_EQ(fs::file_size(file), file_with("here.access.key.secret", "\0"s).size());
  credentials_error e = test_support::expect_credentials_error([&] { load_credentials(file); });
  expect_refused(e, file, "here.access.key.secret", "NUL, 0x00");
  EXPECT_TRUE(contains(e.what(), "control character")) << e.what();
}

TEST(CredentialValues, ANulInAnyHereKeyIsRefused) {
  temp_dir dir;
  for (std::string_view key : detail::known_keys) {
    SCOPED_TRACE(key);
    const fs::path file = dir.write(std::string(key) + ".properties", file_with(key, "\0"s));
    credentials_error e = test_support::expect_credentials_error([&] { load_credentials(file); });
    expect_refused(e, file, key, "NUL, 0x00");
  }
}

TEST(CredentialValues, EveryControlCharacterRawOrEscapedIsRefused) {
  // Raw bytes inside the value, and the escapes that produce control characters. (Blanks and
  // line ends around a value belong to the syntax and are not part of it.)
  const std::pair<std::string, std::string> cases[] = {
      {"\x01"s, "SOH, 0x01"},    {"\x08"s, "BS, 0x08"},     {"\t"s, "tab, 0x09"},
      {"\x0B"s, "VT, 0x0B"},     {"\x0C"s, "FF, 0x0C"},     {"\x1B"s, "ESC, 0x1B"},
      {"\x1F"s, "US, 0x1F"},     {"\x7F"s, "DEL, 0x7F"},    {"\\t"s, "tab, 0x09"},
      {"\\n"s, "LF, 0x0A"},      {"\\r"s, "CR, 0x0D"},      {"\\f"s, "FF, 0x0C"},
      {"\\u0000"s, "NUL, 0x00"}, {"\\u001b"s, "ESC, 0x1B"}, {"\\u007F"s, "DEL, 0x7F"}};
  temp_dir dir;
  int n = 0;
  for (const auto& [bad, character] : cases) {
    SCOPED_TRACE(character);
    const fs::path file =
        dir.write(std::to_string(n++) + ".properties", file_with("here.access.key.secret", bad));
    credentials_error e = test_support::expect_credentials_error([&] { load_credentials(file); });
    expect_refused(e, file, "here.access.key.secret", character);
  }
}

TEST(CredentialValues, WhatTheSyntaxItselfHandlesStaysAllowed) {
  // Blanks around a value, CR/CRLF line ends, continuations, and printable or non-ASCII text.
  credentials c = parse_credentials(
      "here.access.key.id\t=\tid\t\r\n"
      "here.access.key.secret = \f s3cr3t+/=~ \\\r\n   more\r"
      "here.user.id = caf\xC3\xA9\n",
      "f");
  EXPECT_EQ(c.access_key_id, "id");
  EXPECT_EQ(c.access_key_secret.reveal(), "s3cr3t+/=~ more");
  EXPECT_EQ(c.user_id, "caf\xC3\xA9");
}

TEST(CredentialValues, ControlCharactersOutsideHereKeysAreIgnored) {
  // Unknown keys and comments are never used, so their bytes do not matter.
  credentials c = parse_credentials(
      "# a comment with a \0 NUL\nother.key = a\0b\x01\nhere.access.key.id = id\n"
      "here.access.key.secret = s\n"s,
      "f");
  EXPECT_EQ(c.access_key_id, "id");
}

TEST(CredentialValues, AnOverriddenEntryWithANulStillMakesTheFileMalformed) {
  credentials_error e = test_support::expect_credentials_error([] {
    parse_credentials(
        "here.access.key.id = id\nhere.access.key.secret = a\0b\nhere.access.key.secret = ok\n"s,
        "src");
  });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.key(), "here.access.key.secret");
  EXPECT_TRUE(contains(e.what(), "src:2:")) << e.what();
}

TEST(CredentialValues, ControlCharacterProblemNamesOnlyTheCharacter) {
  for (int c = 0; c < 256; ++c) {
    const std::string value = "q~" + std::string(1, static_cast<char>(c)) + "~z";
    const std::string problem = detail::control_character_problem(value);
    const bool control = c < 0x20 || c == 0x7F;
    EXPECT_EQ(problem.empty(), !control) << c;
    if (control) {
      EXPECT_FALSE(contains(problem, "q~")) << problem;
      EXPECT_FALSE(contains(problem, "~z")) << problem;
    }
  }
  EXPECT_EQ(detail::control_character_problem(""), "");
  EXPECT_TRUE(contains(detail::control_character_problem("\x16"), "SYN, 0x16"));
}

}  // namespace
}  // namespace here::oauth

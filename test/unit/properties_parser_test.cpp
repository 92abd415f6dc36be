// SPDX-License-Identifier: Apache-2.0
// The .properties reader under the credentials loader: every piece of syntax HERE's
// credentials.properties may use (it is written by Java tools and edited by hand).

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "credentials/properties_parser.hpp"

namespace here::oauth::detail {
namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

pairs parse_ok(std::string_view text) {
  auto result = parse_properties(text);
  EXPECT_FALSE(result.error) << "line " << result.error->line << ": " << result.error->message;
  pairs out;
  for (const auto& e : result.entries)
    out.emplace_back(e.key, e.value);
  return out;
}

std::vector<unsigned> lines_of(std::string_view text) {
  std::vector<unsigned> lines;
  for (const auto& e : parse_properties(text).entries)
    lines.push_back(e.line);
  return lines;
}

properties_syntax_error parse_error(std::string_view text) {
  auto result = parse_properties(text);
  EXPECT_TRUE(result.error) << "no error for: " << text;
  return result.error.value_or(properties_syntax_error{});
}

// --- separators -------------------------------------------------------------------------------

TEST(PropertiesParser, AllSeparatorForms) {
  EXPECT_EQ(parse_ok("k = v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k=v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k: v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k:v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k\tv"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k\fv"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k \t = \t v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("k   :   v"), (pairs{{"k", "v"}}));
}

TEST(PropertiesParser, OnlyTheFirstSeparatorCounts) {
  // java.util.Properties: after the key, blanks, then at most one '=' or ':', then blanks.
  EXPECT_EQ(parse_ok("k==v"), (pairs{{"k", "=v"}}));
  EXPECT_EQ(parse_ok("k = = v"), (pairs{{"k", "= v"}}));
  EXPECT_EQ(parse_ok("k :=v"), (pairs{{"k", "=v"}}));
  EXPECT_EQ(parse_ok("k v=w"), (pairs{{"k", "v=w"}}));
  EXPECT_EQ(parse_ok("k=a b c"), (pairs{{"k", "a b c"}}));
}

TEST(PropertiesParser, KeyWithoutValue) {
  EXPECT_EQ(parse_ok("k"), (pairs{{"k", ""}}));
  EXPECT_EQ(parse_ok("k="), (pairs{{"k", ""}}));
  EXPECT_EQ(parse_ok("k :"), (pairs{{"k", ""}}));
  EXPECT_EQ(parse_ok("k   "), (pairs{{"k", ""}}));
}

TEST(PropertiesParser, SecretWithEqualsAndColonIsKeptWhole) {
  // HERE's own C++ SDK splits at every '=' and loses the rest of such a secret.
  EXPECT_EQ(parse_ok("here.access.key.secret = a=b:c==d::e="),
            (pairs{{"here.access.key.secret", "a=b:c==d::e="}}));
  EXPECT_EQ(parse_ok("here.access.key.secret:=x:y"), (pairs{{"here.access.key.secret", "=x:y"}}));
}

// --- comments, blank lines, whitespace -------------------------------------------------------

TEST(PropertiesParser, CommentsAndBlankLines) {
  EXPECT_EQ(
      parse_ok("# comment\n! also a comment\n\n   \n\t# indented comment\n  ! indented\nk=v\n"),
      (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok(""), pairs{});
  EXPECT_EQ(parse_ok("\n\n\n"), pairs{});
  EXPECT_EQ(parse_ok("#k=v"), pairs{});
}

TEST(PropertiesParser, HashInsideAValueIsNotAComment) {
  EXPECT_EQ(parse_ok("k=a#b !c"), (pairs{{"k", "a#b !c"}}));
  EXPECT_EQ(parse_ok("k=#"), (pairs{{"k", "#"}}));
}

TEST(PropertiesParser, CommentLineEndingInBackslashDoesNotContinue) {
  EXPECT_EQ(parse_ok("# comment \\\nk=v"), (pairs{{"k", "v"}}));
}

TEST(PropertiesParser, SurroundingWhitespaceIsDropped) {
  EXPECT_EQ(parse_ok("   k = v   "), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("\t k=v \t\f"), (pairs{{"k", "v"}}));
}

TEST(PropertiesParser, EscapedTrailingWhitespaceIsKept) {
  // Our one deviation from java.util.Properties: unescaped trailing blanks are dropped (a stray
  // space after a pasted secret must not become part of it); an escaped one is kept.
  EXPECT_EQ(parse_ok("k=v\\ "), (pairs{{"k", "v "}}));
  EXPECT_EQ(parse_ok("k=v\\  "), (pairs{{"k", "v "}}));
  EXPECT_EQ(parse_ok("k=v\\t"), (pairs{{"k", "v\t"}}));
  EXPECT_EQ(parse_ok("k=\\ v"), (pairs{{"k", " v"}}));
}

// --- line ends ---------------------------------------------------------------------------------

TEST(PropertiesParser, CrLfAndLoneCrAndLf) {
  const pairs expected{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_EQ(parse_ok("a=1\nb=2\nc=3\n"), expected);
  EXPECT_EQ(parse_ok("a=1\r\nb=2\r\nc=3\r\n"), expected);
  EXPECT_EQ(parse_ok("a=1\rb=2\rc=3\r"), expected);
  EXPECT_EQ(parse_ok("a=1\r\nb=2\rc=3"), expected);
}

TEST(PropertiesParser, LineNumbersCountEveryKindOfLineEnd) {
  EXPECT_EQ(lines_of("a=1\nb=2"), (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(lines_of("a=1\r\n\r\nb=2"), (std::vector<unsigned>{1, 3}));
  EXPECT_EQ(lines_of("a=1\r\rb=2"), (std::vector<unsigned>{1, 3}));
  EXPECT_EQ(lines_of("# c\n\na=1\n\r\nb=2"), (std::vector<unsigned>{3, 5}));
  // A continued entry reports the line it starts on; the next entry counts the continued lines.
  EXPECT_EQ(lines_of("a=1\\\n  2\\\n  3\nb=4"), (std::vector<unsigned>{1, 4}));
}

TEST(PropertiesParser, Utf8ByteOrderMarkIsSkipped) {
  EXPECT_EQ(parse_ok("\xEF\xBB\xBFk=v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(parse_ok("\xEF\xBB\xBF# comment\r\nk=v"), (pairs{{"k", "v"}}));
  EXPECT_EQ(lines_of("\xEF\xBB\xBF\nk=v"), (std::vector<unsigned>{2}));
}

TEST(PropertiesParser, Utf8PassesThrough) {
  EXPECT_EQ(parse_ok("k=caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"),
            (pairs{{"k", "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC"}}));
}

// --- escapes -------------------------------------------------------------------------------------

TEST(PropertiesParser, BackslashEscapesInValues) {
  EXPECT_EQ(parse_ok("k=a\\tb"), (pairs{{"k", "a\tb"}}));
  EXPECT_EQ(parse_ok("k=a\\nb\\rc\\fd"), (pairs{{"k", "a\nb\rc\fd"}}));
  EXPECT_EQ(parse_ok("k=a\\=b\\:c"), (pairs{{"k", "a=b:c"}}));
  EXPECT_EQ(parse_ok("k=a\\\\b"), (pairs{{"k", "a\\b"}}));
  EXPECT_EQ(parse_ok("k=\\#\\!"), (pairs{{"k", "#!"}}));
  EXPECT_EQ(parse_ok("k=\\q\\z"), (pairs{{"k", "qz"}}));  // unknown escapes drop the backslash
}

TEST(PropertiesParser, BackslashEscapesInKeys) {
  EXPECT_EQ(parse_ok("a\\=b=c"), (pairs{{"a=b", "c"}}));
  EXPECT_EQ(parse_ok("a\\:b:c"), (pairs{{"a:b", "c"}}));
  EXPECT_EQ(parse_ok("my\\ key = v"), (pairs{{"my key", "v"}}));
  EXPECT_EQ(parse_ok("a\\\\=b"), (pairs{{"a\\", "b"}}));
  EXPECT_EQ(parse_ok("\\#notacomment=v"), (pairs{{"#notacomment", "v"}}));
  EXPECT_EQ(parse_ok("\\u0041=v"), (pairs{{"A", "v"}}));
}

TEST(PropertiesParser, UnicodeEscapes) {
  EXPECT_EQ(parse_ok("k=\\u0041\\u0062"), (pairs{{"k", "Ab"}}));
  EXPECT_EQ(parse_ok("k=caf\\u00e9"), (pairs{{"k", "caf\xC3\xA9"}}));
  EXPECT_EQ(parse_ok("k=caf\\u00E9"), (pairs{{"k", "caf\xC3\xA9"}}));
  EXPECT_EQ(parse_ok("k=\\u65e5\\u672c"), (pairs{{"k", "\xE6\x97\xA5\xE6\x9C\xAC"}}));
  EXPECT_EQ(parse_ok("k=\\u007e\\u0020"), (pairs{{"k", "~ "}}));  // escaped: kept
  EXPECT_EQ(parse_ok("k=\\uFFFF"), (pairs{{"k", "\xEF\xBF\xBF"}}));
}

TEST(PropertiesParser, UnicodeEscapeSurrogatePairs) {
  // U+1F600 is written in Java as the UTF-16 pair \uD83D\uDE00.
  EXPECT_EQ(parse_ok("k=\\uD83D\\uDE00"), (pairs{{"k", "\xF0\x9F\x98\x80"}}));
  EXPECT_EQ(parse_ok("k=a\\ud83d\\ude00b"), (pairs{{"k",
                                                    "a\xF0\x9F\x98\x80"
                                                    "b"}}));
  // U+10000 and U+10FFFF, the ends of the supplementary planes.
  EXPECT_EQ(parse_ok("k=\\uD800\\uDC00"), (pairs{{"k", "\xF0\x90\x80\x80"}}));
  EXPECT_EQ(parse_ok("k=\\uDBFF\\uDFFF"), (pairs{{"k", "\xF4\x8F\xBF\xBF"}}));
}

// --- continuations -------------------------------------------------------------------------------

TEST(PropertiesParser, LineContinuations) {
  EXPECT_EQ(parse_ok("k=abc\\\n    def"), (pairs{{"k", "abcdef"}}));
  EXPECT_EQ(parse_ok("k=a\\\n\t b\\\n  c\nz=1"), (pairs{{"k", "abc"}, {"z", "1"}}));
  EXPECT_EQ(parse_ok("k=a \\\n  b"), (pairs{{"k", "a b"}}));  // blanks before the '\' stay
  EXPECT_EQ(parse_ok("k=a\\\r\n  b"), (pairs{{"k", "ab"}}));
  EXPECT_EQ(parse_ok("k=a\\\r  b"), (pairs{{"k", "ab"}}));
}

TEST(PropertiesParser, ContinuationLinesAreNeverComments) {
  EXPECT_EQ(parse_ok("k=a\\\n  # b"), (pairs{{"k", "a# b"}}));
  EXPECT_EQ(parse_ok("k=a\\\n!b"), (pairs{{"k", "a!b"}}));
}

TEST(PropertiesParser, ContinuationInsideTheKey) {
  EXPECT_EQ(parse_ok("here.access.\\\n   key.id = v"), (pairs{{"here.access.key.id", "v"}}));
}

TEST(PropertiesParser, EvenBackslashesDoNotContinue) {
  EXPECT_EQ(parse_ok("k=a\\\\\nz=1"), (pairs{{"k", "a\\"}, {"z", "1"}}));
  EXPECT_EQ(parse_ok("k=a\\\\\\\n b"), (pairs{{"k", "a\\b"}}));  // three: an escaped '\' + '\'
}

TEST(PropertiesParser, ContinuationAtEndOfTextOrBeforeABlankLine) {
  EXPECT_EQ(parse_ok("k=a\\"), (pairs{{"k", "a"}}));
  EXPECT_EQ(parse_ok("k=a\\\n"), (pairs{{"k", "a"}}));
  EXPECT_EQ(parse_ok("k=a\\\n\nz=1"), (pairs{{"k", "a"}, {"z", "1"}}));
  EXPECT_EQ(parse_ok("k=a\\\n   \nz=1"), (pairs{{"k", "a"}, {"z", "1"}}));
}

// --- entries -------------------------------------------------------------------------------------

TEST(PropertiesParser, DuplicatesAreAllReportedInFileOrder) {
  auto result = parse_properties("k=1\nk=2\nother=x\nk=3");
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.entries.size(), 4u);
  EXPECT_EQ(result.entries[0].value, "1");
  EXPECT_EQ(result.entries[3].value, "3");
  EXPECT_EQ(result.entries[3].line, 4u);
}

// --- errors --------------------------------------------------------------------------------------

TEST(PropertiesParser, MalformedUnicodeEscapeInValue) {
  for (std::string_view text : {"k=\\u12", "k=\\u12G4", "k=\\u", "k=\\uXYZW rest", "k=ab\\u00"}) {
    auto e = parse_error(text);
    EXPECT_EQ(e.line, 1u) << text;
    EXPECT_EQ(e.key, "k") << text;
    EXPECT_NE(e.message.find("\\uXXXX"), std::string::npos) << e.message;
  }
}

TEST(PropertiesParser, MalformedUnicodeEscapeInKey) {
  auto e = parse_error("ok=1\n\nbad\\u00zz=v");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.key, "");
  EXPECT_NE(e.message.find("key"), std::string::npos) << e.message;
}

TEST(PropertiesParser, UnpairedSurrogates) {
  for (std::string_view text : {"k=\\uD83D", "k=\\uD83Dx", "k=\\uD83D\\u0041", "k=\\uDE00",
                                "k=\\uDE00\\uD83D", "k=\\uD83D\\uD83D", "k=\\uD83D\\uDE0"}) {
    auto e = parse_error(text);
    EXPECT_EQ(e.line, 1u) << text;
    EXPECT_EQ(e.key, "k") << text;
  }
}

TEST(PropertiesParser, LineWithoutKey) {
  for (std::string_view text : {"=v", ":v", " = v", "\t: v", "=", "k=1\n=2"}) {
    auto e = parse_error(text);
    EXPECT_NE(e.message.find("no key"), std::string::npos) << text << ": " << e.message;
    EXPECT_EQ(e.key, "");
  }
  EXPECT_EQ(parse_error("k=1\n\n= 2").line, 3u);
}

TEST(PropertiesParser, ErrorLineOfAContinuedEntryIsItsFirstLine) {
  EXPECT_EQ(parse_error("a=1\nk=x\\\n  y\\u12").line, 2u);
}

TEST(PropertiesParser, ErrorMessagesNeverContainTheValue) {
  for (std::string_view text : {"k=VALUE-MARK\\u12", "k=VALUE-MARK\\uD83D", "=VALUE-MARK"}) {
    auto e = parse_error(text);
    EXPECT_EQ(e.message.find("VALUE-MARK"), std::string::npos) << e.message;
  }
}

TEST(PropertiesParser, StopsAtTheFirstError) {
  auto result = parse_properties("a=1\nb=\\u1\nc=3");
  ASSERT_TRUE(result.error);
  EXPECT_EQ(result.error->line, 2u);
}

}  // namespace
}  // namespace here::oauth::detail

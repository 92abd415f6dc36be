// SPDX-License-Identifier: Apache-2.0
// The local token server's own parsers (tools/here-token-server/oauth_header_parser.*): the OAuth
// Authorization header and form bodies, written independently of the SDK's.

#include <gtest/gtest.h>

#include <string>

#include "common/percent_encoding.hpp"
#include "oauth_header_parser.hpp"

namespace here::oauth::test_support {
namespace {

TEST(TokenServerPercentEncoding, AgreesWithTheSdksOwnOnEveryByte) {
  // Two implementations written apart: the server's (the test oracle) and the SDK's.
  std::string every_byte;
  for (int b = 0; b < 256; ++b)
    every_byte.push_back(static_cast<char>(b));
  EXPECT_EQ(encode_percent(every_byte), detail::percent_encode(every_byte));
  EXPECT_EQ(encode_percent("a b+c/d=e~f_g.h-i*"), "a%20b%2Bc%2Fd%3De~f_g.h-i%2A");
  EXPECT_EQ(encode_percent("\xC3\xA9"), "%C3%A9");  // UTF-8 bytes, each encoded
  EXPECT_EQ(decode_percent(encode_percent(every_byte), false), every_byte);
}

TEST(TokenServerOAuthHeaderParser, ParsesQuotedPercentEncodedParameters) {
  const auto r = parse_oauth_header(
      R"(OAuth oauth_consumer_key="key%2Fid",oauth_nonce="n",oauth_signature="a%2Bb%3D")");
  ASSERT_EQ(r.problem, header_problem::none) << r.detail;
  ASSERT_EQ(r.parameters.size(), 3U);
  EXPECT_EQ(r.parameters[0], (std::pair<std::string, std::string>("oauth_consumer_key", "key/id")));
  ASSERT_NE(r.find("oauth_signature"), nullptr);
  EXPECT_EQ(*r.find("oauth_signature"), "a+b=");
  EXPECT_EQ(r.find("oauth_version"), nullptr);
}

TEST(TokenServerOAuthHeaderParser, ToleratesSpacesAndSchemeCase) {
  const auto r = parse_oauth_header("  oauth   realm=\"Example\",  a=\"1\" ,\tb = \"2\"  ");
  ASSERT_EQ(r.problem, header_problem::none) << r.detail;
  ASSERT_EQ(r.parameters.size(), 3U);
  EXPECT_EQ(*r.find("realm"), "Example");
  EXPECT_EQ(*r.find("b"), "2");
  EXPECT_EQ(parse_oauth_header("OAUTH a=\"\"").problem, header_problem::none);
}

TEST(TokenServerOAuthHeaderParser, ReportsMissingAndOtherSchemes) {
  EXPECT_EQ(parse_oauth_header("").problem, header_problem::missing);
  EXPECT_EQ(parse_oauth_header("   ").problem, header_problem::missing);
  EXPECT_EQ(parse_oauth_header("Bearer abc").problem, header_problem::not_oauth);
  EXPECT_EQ(parse_oauth_header("OAuth2 a=\"1\"").problem, header_problem::not_oauth);
  EXPECT_EQ(parse_oauth_header("OAuth,a=\"1\"").problem, header_problem::not_oauth);
}

TEST(TokenServerOAuthHeaderParser, RejectsGarbage) {
  for (const char* bad : {
           "OAuth",                   // no parameters
           "OAuth a=1",               // unquoted
           "OAuth a=\"1",             // no closing quote
           "OAuth a",                 // no '='
           "OAuth =\"1\"",            // no name
           "OAuth a=\"1\",",          // trailing comma
           "OAuth a=\"1\",,b=\"2\"",  // empty element
           "OAuth a=\"1\" b=\"2\"",   // no comma
           "OAuth a=\"1\"x",          // stray character
           "OAuth a=\"%G0\"",         // bad escape
           "OAuth a=\"%4\"",          // short escape
           "OAuth a=\"x\\\"y\"",      // backslash escapes are not OAuth syntax
           "OAuth a=\"x\ny\"",        // control character
       }) {
    EXPECT_EQ(parse_oauth_header(bad).problem, header_problem::malformed) << bad;
  }
}

TEST(TokenServerOAuthHeaderParser, RejectsDuplicates) {
  const auto r = parse_oauth_header("OAuth a=\"1\", b=\"2\", a=\"1\"");
  EXPECT_EQ(r.problem, header_problem::duplicate_parameter);
  EXPECT_NE(r.detail.find("'a'"), std::string::npos);
  // Names are compared decoded.
  EXPECT_EQ(parse_oauth_header("OAuth a=\"1\", %61=\"2\"").problem,
            header_problem::duplicate_parameter);
}

TEST(TokenServerFormParser, DecodesFormSyntax) {
  const auto r = parse_form_urlencoded("grant_type=client_credentials&scope=hrn%3Ahere+x&&flag");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[1].second, "hrn:here x");
  EXPECT_EQ((*r)[2], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_FALSE(parse_form_urlencoded("a=%zz"));
  EXPECT_EQ(decode_percent("a+b%2b", false), "a+b+");
  EXPECT_EQ(decode_percent("%e9%C3", true), "\xE9\xC3");
  EXPECT_FALSE(decode_percent("%", true));
}

}  // namespace
}  // namespace here::oauth::test_support

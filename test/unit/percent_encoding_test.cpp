// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "signing/signer.hpp"

#include "common/percent_encoding.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

TEST(PercentEncode, KeepsOnlyTheUnreservedSet) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode(" +/=&%*!'()"), "%20%2B%2F%3D%26%25%2A%21%27%28%29");
}

TEST(PercentEncode, UsesUpperCaseHexForUtf8Bytes) {
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");  // é
  EXPECT_EQ(percent_encode(std::string("\0\x7F\xFF", 3)), "%00%7F%FF");
}

TEST(PercentEncode, OneEncoderForPresizedBuffersAndStrings) {
  // encoded_size + encode_to (the signer's hot path) and percent_encode/append_percent_encoded
  // are one table: every byte value gives the same result both ways.
  std::string all;
  for (int c = 0; c < 256; ++c)
    all.push_back(static_cast<char>(c));
  std::string buffer(3 * all.size(), '\0');
  char* end = encode_to(buffer.data(), all);
  buffer.resize(static_cast<std::size_t>(end - buffer.data()));
  EXPECT_EQ(buffer, percent_encode(all));
  EXPECT_EQ(encoded_size(all), buffer.size());
  EXPECT_EQ(encoded_size(all), 66u + 3u * 190u);  // 66 unreserved bytes, 190 escaped ones
  std::string appended = "x=";
  append_percent_encoded(appended, "a b");
  EXPECT_EQ(appended, "x=a%20b");
  EXPECT_TRUE(is_unreserved('~'));
  EXPECT_FALSE(is_unreserved('+'));
}

TEST(PercentDecode, DecodesFormSyntax) {
  EXPECT_EQ(detail::percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(detail::percent_decode("a+b", false), "a+b");
  EXPECT_EQ(detail::percent_decode("%e9", false), "\xE9");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  EXPECT_FALSE(detail::percent_decode("%", false));
  EXPECT_FALSE(detail::percent_decode("%4", false));
  EXPECT_FALSE(detail::percent_decode("abc%G1", false));
}

TEST(FormParameters, RoundTrip) {
  parameter_list params{{"grant_type", "client_credentials"}, {"scope", "hrn:here:a b/c"}};
  std::string body = detail::encode_form_parameters(params);
  EXPECT_EQ(body, "grant_type=client_credentials&scope=hrn%3Ahere%3Aa%20b%2Fc");
  EXPECT_EQ(detail::parse_form_parameters(body), params);
}

TEST(FormParameters, KeepsEmptyValuesAndOrder) {
  auto parsed = detail::parse_form_parameters("b=&a&&c=1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (parameter_list{{"b", ""}, {"a", ""}, {"c", "1"}}));
}

}  // namespace
}  // namespace here::oauth

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

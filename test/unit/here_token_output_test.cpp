// SPDX-License-Identifier: Apache-2.0
// What here-token prints on stdout, in each --format (tools/here-token/output.*). Compiled only
// when the tools are built.
#if __has_include("here-token/output.hpp")

#include "here-token/output.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace {

using namespace here::oauth;
using namespace here::oauth::cli;
using namespace std::chrono_literals;

access_token sample_token() {
  access_token t;
  t.value = "tok.en-value_123";
  t.token_type = "bearer";
  t.expires_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 22h + 1min + 46s;
  return t;
}

TEST(HereTokenOutput, TokenAndHeaderFormats) {
  const access_token t = sample_token();
  EXPECT_EQ(format_token(output_format::token, t, t.expires_at - 3600s), "tok.en-value_123\n");
  EXPECT_EQ(format_token(output_format::header, t, t.expires_at - 3600s),
            "Authorization: Bearer tok.en-value_123\n");
}

TEST(HereTokenOutput, JsonFormat) {
  access_token t = sample_token();
  const auto now = t.expires_at - 3599s - 400ms;
  EXPECT_EQ(format_token(output_format::json, t, now),
            "{\"access_token\":\"tok.en-value_123\",\"token_type\":\"bearer\",\"expires_in\":3599,"
            "\"expires_at\":\"2026-11-29T22:01:46Z\",\"scope\":null}\n");
  t.scope = "hrn:here:authorization::org1:project/p\"1";
  EXPECT_EQ(format_token(output_format::json, t, t.expires_at + 5s),
            "{\"access_token\":\"tok.en-value_123\",\"token_type\":\"bearer\",\"expires_in\":0,"
            "\"expires_at\":\"2026-11-29T22:01:46Z\","
            "\"scope\":\"hrn:here:authorization::org1:project/p\\\"1\"}\n");
}

TEST(HereTokenOutput, Iso8601) {
  using namespace std::chrono;
  EXPECT_EQ(format_iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601_utc(sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s + 999ms),
            "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_iso8601_utc(sys_days{year{2038} / 1 / 19} + 3h + 14min + 8s),
            "2038-01-19T03:14:08Z");
}

TEST(HereTokenOutput, JsonEscape) {
  // Boost.JSON writes the JSON; the bytes are those here-token always printed: quote, backslash
  // and control characters escaped (U+0008, U+000C and U+007F in the long form too), other bytes
  // (UTF-8 included) unchanged.
  auto scope_in_json = [](std::string_view scope) {
    access_token t = sample_token();
    t.scope = std::string(scope);
    const std::string line = format_token(output_format::json, t, t.expires_at);
    const std::string_view prefix = "\"scope\":\"";
    const auto start = line.find(prefix) + prefix.size();
    EXPECT_TRUE(line.ends_with("\"}\n")) << line;
    return line.substr(start, line.size() - start - 3);
  };
  EXPECT_EQ(scope_in_json("plain"), "plain");
  EXPECT_EQ(scope_in_json("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(scope_in_json("\n\r\t"), "\\n\\r\\t");
  EXPECT_EQ(scope_in_json(std::string_view("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
  EXPECT_EQ(scope_in_json("\b\f"), "\\u0008\\u000c");
  EXPECT_EQ(scope_in_json(std::string_view("\0", 1)), "\\u0000");
  EXPECT_EQ(scope_in_json("é"), "é");
  EXPECT_EQ(scope_in_json("\\b \\f"), "\\\\b \\\\f");  // escaped backslashes stay as they are
  EXPECT_EQ(scope_in_json("a/b"), "a/b");
}

TEST(HereTokenOutput, JsonReadsBackAsTheToken) {
  access_token t = sample_token();
  t.value = "eyJ.a-b_c";
  t.scope = std::string("hrn:\x7f\b\f\x01\"\\/é", 14);
  const auto now = t.expires_at - 86399s;
  const boost::json::value v = boost::json::parse(format_token(output_format::json, t, now));
  const boost::json::object& o = v.as_object();
  ASSERT_EQ(o.size(), 5U);
  EXPECT_EQ(o.at("access_token").as_string(), t.value);
  EXPECT_EQ(o.at("token_type").as_string(), "bearer");
  EXPECT_EQ(o.at("expires_in").as_int64(), 86399);
  EXPECT_EQ(o.at("expires_at").as_string(), "2026-11-29T22:01:46Z");
  EXPECT_EQ(o.at("scope").as_string(), t.scope);
}

}  // namespace

#endif  // __has_include("here-token/output.hpp")

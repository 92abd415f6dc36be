// SPDX-License-Identifier: Apache-2.0
// What the local token server sends (tools/here-token-server/here_answers.*): unique JWT-shaped
// tokens of the configured size, HERE-shaped bodies and IMF-fixdate Date headers.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include <boost/json/parse.hpp>

#include "here_answers.hpp"

namespace here::oauth::test_support {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr const char* key_id = "test-access-key-id";
const system_clock::time_point fixed_now = system_clock::time_point(1'700'000'000s);

boost::json::object json_of(const std::string& body) {
  return boost::json::parse(body).as_object();
}

TEST(TokenServerTokens, AreUniqueAndOfTheConfiguredSize) {
  for (std::size_t size : {1U, 10U, 47U, 120U, 900U, 4096U}) {
    std::set<std::string> seen;
    for (std::uint64_t serial = 1; serial <= 50; ++serial) {
      const std::string t = make_access_token(size, key_id, fixed_now, 3600s, "", serial);
      EXPECT_EQ(t.size(), size);
      if (size >= 10) {
        EXPECT_TRUE(seen.insert(t).second) << size;
      }
    }
  }
  const std::string jwt = make_access_token(900, key_id, fixed_now, 3600s, "scope", 7);
  EXPECT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2);
  EXPECT_EQ(
      jwt.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos);
}

TEST(TokenServerBodies, HaveHereShapes) {
  const auto error = json_of(here_error_body(503, "503000", "down"));
  EXPECT_EQ(error.size(), 4U);
  EXPECT_EQ(error.at("httpStatus").as_int64(), 503);
  EXPECT_EQ(error.at("errorCode").as_int64(), 503000);
  const std::string id(error.at("errorId").as_string());
  ASSERT_EQ(id.size(), 42U);   // "ERROR-" + 36
  EXPECT_EQ(id[6 + 14], '4');  // UUID version
  EXPECT_NE(make_error_id(), make_error_id());

  EXPECT_EQ(default_error_code(401), "401300");
  EXPECT_EQ(default_error_code(429), "429002");
  EXPECT_EQ(default_error_code(400), "400200");
  EXPECT_EQ(default_error_code(503), "503000");
  EXPECT_EQ(error_code_in(here_error_body(403, "403000", "no")), "403000");
  EXPECT_EQ(error_code_in(R"({"errorCode":"E1"})"), "E1");
  EXPECT_EQ(error_code_in("<html>"), "");

  const auto token = json_of(token_response_body("abc", 10s, "p"));
  EXPECT_EQ(token.at("scope").as_string(), "p");
  EXPECT_EQ(token.at("expires_in").as_int64(), 10);
}

TEST(TokenServerBodies, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(system_clock::time_point(784111777s)),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(system_clock::time_point(951782400s + 500ms)),
            "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(system_clock::time_point(0s)), "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace here::oauth::test_support

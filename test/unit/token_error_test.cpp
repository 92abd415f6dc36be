// SPDX-License-Identifier: Apache-2.0
// What a token_error says: context, cause, the server's details, and no Boost source location.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>

#include <here/oauth/error.hpp>

namespace here::oauth {
namespace {

TEST(TokenError, SaysContextCauseAndServerDetails) {
  error_details d;
  d.http_status = 401;
  d.error_code = "401300";
  d.error_id = "ERROR-1";
  d.message = "Signature mismatch.";
  token_error e(error::signature_rejected, d, "HERE token request failed");
  EXPECT_STREQ(e.what(),
               "HERE token request failed: token endpoint rejected the credentials or signature "
               "(HTTP 401, errorCode 401300, errorId ERROR-1, Signature mismatch.) [here.oauth:6]");
  EXPECT_EQ(e.code(), error::signature_rejected);
  EXPECT_EQ(e.details().error_code, "401300");
}

TEST(TokenError, LeavesOutTheSourceLocationOfAsioErrors) {
  // Asio's error codes carry where in Boost they were made; users need the cause, not that.
  static constexpr boost::source_location here_in_boost = BOOST_CURRENT_LOCATION;
  boost::system::error_code ec(boost::asio::error::connection_refused, &here_in_boost);
  token_error e(ec, error_details{}, "connect to 127.0.0.1:1 failed");
  const std::string what = e.what();
  EXPECT_EQ(what.find(" at "), std::string::npos) << what;
  EXPECT_EQ(what, "connect to 127.0.0.1:1 failed: " + ec.message() +
                      " [system:" + std::to_string(ec.value()) + "]");
}

}  // namespace
}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
// here-token's exit codes (tools/here-token/exit_codes.*): derived from the SDK's failure
// taxonomy, here::oauth::classify(), and the same as before it existed. Compiled only when the
// tools are built.
#if __has_include("here-token/exit_codes.hpp")

#include "here-token/exit_codes.hpp"

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <here/oauth/error.hpp>

namespace {

using namespace here::oauth;
using namespace here::oauth::cli;

TEST(HereTokenExitCodes, EachErrorHasItsCode) {
  EXPECT_EQ(exit_code_for({}), exit_code::success);
  for (error e : {error::credentials_file_unreadable, error::credentials_malformed,
                  error::credentials_missing, error::invalid_endpoint_url,
                  error::credentials_not_found, error::insecure_url_refused}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::credentials) << static_cast<int>(e);
  }
  EXPECT_EQ(exit_code_for(make_error_code(error::invalid_option)), exit_code::usage);
  for (error e : {error::signature_rejected, error::timestamp_rejected, error::request_rejected,
                  error::redirect_refused}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::refused) << static_cast<int>(e);
  }
  for (error e : {error::rate_limited, error::server_error, error::malformed_response,
                  error::response_too_large, error::timeout, error::proxy_error, error::backing_off,
                  error::timed_out}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::unavailable) << static_cast<int>(e);
  }
  EXPECT_EQ(exit_code_for(boost::asio::error::connection_refused), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::error::host_not_found), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::ssl::error::stream_truncated), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::error::operation_aborted), exit_code::unavailable);
  EXPECT_EQ(static_cast<int>(exit_code::usage), 2);
  EXPECT_EQ(static_cast<int>(exit_code::credentials), 3);
  EXPECT_EQ(static_cast<int>(exit_code::refused), 4);
  EXPECT_EQ(static_cast<int>(exit_code::unavailable), 5);
}

TEST(HereTokenExitCodes, FollowTheFailureClass) {
  // 401204 twice: the provider's corrected retry was refused too.
  EXPECT_EQ(classify(error::timestamp_rejected), failure_class::clock_skew);
  EXPECT_EQ(exit_code_for(error::timestamp_rejected), exit_code::refused);
  // A certificate the system store does not trust: no valid answer, exit 5 (docs/here-token.md).
  const boost::system::error_code verify_failed(0x0A000086, boost::asio::error::get_ssl_category());
  EXPECT_EQ(classify(verify_failed), failure_class::untrusted);
  EXPECT_EQ(exit_code_for(verify_failed), exit_code::unavailable);
  // The --timeout deadline cancels the request.
  EXPECT_EQ(classify(boost::asio::error::operation_aborted), failure_class::cancelled);
  // Any other category: transient.
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::network_unreachable)),
            exit_code::unavailable);
}

TEST(HereTokenExitCodes, EveryKnownErrorOfOursHasADocumentedCode) {
  for (int value = static_cast<int>(error::credentials_file_unreadable);
       value <= static_cast<int>(error::timed_out); ++value) {
    const exit_code code = exit_code_for(make_error_code(static_cast<error>(value)));
    EXPECT_NE(code, exit_code::internal) << value;
    EXPECT_NE(code, exit_code::success) << value;
  }
}

TEST(HereTokenExitCodes, UnknownValuesOfOurCategoryAreInternal) {
  // A value this version does not know, even 0 (which Boost treats as "no error"), is a bug.
  EXPECT_EQ(exit_code_for({0, error_category()}), exit_code::internal);
  EXPECT_EQ(exit_code_for({static_cast<int>(error::timed_out) + 1, error_category()}),
            exit_code::internal);
  EXPECT_EQ(exit_code_for({-1, error_category()}), exit_code::internal);
  EXPECT_EQ(to_int(exit_code::internal), 1);
  EXPECT_EQ(to_int(exit_code::success), 0);
}

}  // namespace

#endif  // __has_include("here-token/exit_codes.hpp")

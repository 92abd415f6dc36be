// SPDX-License-Identifier: Apache-2.0
// The one error taxonomy: what every error means for retrying (provider) and exit codes (CLI).
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <here/oauth/error.hpp>

namespace here::oauth {
namespace {

TEST(FailureClass, EveryErrorOfOursHasItsClass) {
  EXPECT_EQ(classify({}), failure_class::none);
  for (error e :
       {error::credentials_file_unreadable, error::credentials_malformed,
        error::credentials_missing, error::invalid_endpoint_url, error::credentials_not_found,
        error::insecure_url_refused, error::invalid_option}) {
    EXPECT_EQ(classify(e), failure_class::configuration) << make_error_code(e).message();
  }
  for (error e : {error::signature_rejected, error::request_rejected, error::redirect_refused})
    EXPECT_EQ(classify(e), failure_class::refused) << make_error_code(e).message();
  EXPECT_EQ(classify(error::timestamp_rejected), failure_class::clock_skew);
  for (error e : {error::rate_limited, error::server_error, error::malformed_response,
                  error::response_too_large, error::timeout, error::proxy_error, error::backing_off,
                  error::timed_out}) {
    EXPECT_EQ(classify(e), failure_class::transient) << make_error_code(e).message();
  }
}

TEST(FailureClass, NetworkAndTlsErrorsAreClassedByWhetherTheyHeal) {
  EXPECT_EQ(classify(boost::asio::error::operation_aborted), failure_class::cancelled);
  EXPECT_EQ(classify(boost::asio::error::connection_refused), failure_class::transient);
  EXPECT_EQ(classify(boost::asio::error::connection_reset), failure_class::transient);
  EXPECT_EQ(classify(boost::asio::error::host_not_found), failure_class::transient);
  EXPECT_EQ(classify(boost::asio::error::eof), failure_class::transient);
  EXPECT_EQ(classify(boost::asio::ssl::error::stream_truncated), failure_class::transient);
  // An OpenSSL verification failure, as the handshake reports it.
  const boost::system::error_code verify_failed(0x0A000086, boost::asio::error::get_ssl_category());
  EXPECT_EQ(classify(verify_failed), failure_class::untrusted);
}

}  // namespace
}  // namespace here::oauth

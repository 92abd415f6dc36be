// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace here::oauth {

failure_class classify(const boost::system::error_code& ec) noexcept {
  if (!ec)
    return failure_class::none;
  if (ec.category() == error_category()) {
    switch (static_cast<error>(ec.value())) {
      case error::credentials_file_unreadable:
      case error::credentials_malformed:
      case error::credentials_missing:
      case error::invalid_endpoint_url:
      case error::credentials_not_found:
      case error::insecure_url_refused:
      case error::invalid_option:
        return failure_class::configuration;
      case error::signature_rejected:
      case error::request_rejected:
      case error::redirect_refused:
        return failure_class::refused;
      case error::timestamp_rejected:
        return failure_class::clock_skew;
      case error::rate_limited:
      case error::server_error:
      case error::malformed_response:
      case error::response_too_large:
      case error::timeout:
      case error::proxy_error:
      case error::backing_off:
      case error::timed_out:
        return failure_class::transient;
    }
    return failure_class::configuration;  // a value this version does not know
  }
  if (ec == boost::asio::error::operation_aborted)
    return failure_class::cancelled;
  // A truncated TLS stream is a dropped connection; any other TLS error (certificate verification
  // above all) will not heal by asking again soon.
  if (ec == boost::asio::ssl::error::stream_truncated)
    return failure_class::transient;
  if (ec.category() == boost::asio::error::get_ssl_category())
    return failure_class::untrusted;
  return failure_class::transient;  // DNS, connect, reset, end of stream, …
}

}  // namespace here::oauth

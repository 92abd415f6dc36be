// SPDX-License-Identifier: Apache-2.0
#include "exit_codes.hpp"

#include <here/oauth/error.hpp>

namespace here::oauth::cli {
namespace {

/// Whether ec is one of the here.oauth errors this version knows (classify() calls any other
/// value of the category a configuration error; here-token has always called it a bug: exit 1).
/// error::timed_out is the last enumerator of here::oauth::error.
bool is_known_here_error(const boost::system::error_code& ec) {
  return ec.value() >= static_cast<int>(error::credentials_file_unreadable) &&
         ec.value() <= static_cast<int>(error::timed_out);
}

}  // namespace

exit_code exit_code_for(const boost::system::error_code& ec) {
  if (ec.category() == error_category() && !is_known_here_error(ec))
    return exit_code::internal;
  switch (classify(ec)) {
    case failure_class::none:
      return exit_code::success;
    case failure_class::configuration:
      // A bad option value is the command line's fault, not the credentials'.
      return ec == error::invalid_option ? exit_code::usage : exit_code::credentials;
    case failure_class::refused:
    case failure_class::clock_skew:  // 401204 again after the provider's one corrected retry
      return exit_code::refused;
    case failure_class::untrusted:  // TLS: certificate verification above all
    case failure_class::transient:
    case failure_class::cancelled:  // the --timeout deadline cancelled the request
      return exit_code::unavailable;
  }
  return exit_code::internal;
}

}  // namespace here::oauth::cli

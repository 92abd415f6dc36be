// SPDX-License-Identifier: Apache-2.0
#pragma once

// here-token's exit status (docs/here-token.md), derived from the SDK's one failure taxonomy,
// here::oauth::classify(): what a failure means for retrying is also what it means for a script.

#include <boost/system/error_code.hpp>

namespace here::oauth::cli {

/// The exit status of here-token.
enum class exit_code : int {
  success = 0,      ///< the token was printed
  internal = 1,     ///< an unexpected failure (a bug, out of memory, stdout closed)
  usage = 2,        ///< bad arguments or option values (an unreadable --ca-file too)
  credentials = 3,  ///< no credentials, or they cannot be read or are incomplete or malformed
  refused = 4,      ///< the token endpoint answered with an error (401300, 401204, 403, other 4xx)
  unavailable = 5,  ///< no valid answer: network, TLS, timeout, proxy, 5xx, 429, malformed answer
};

/// The exit code for a failure with this error code (a here::oauth::error, or an Asio, SSL or
/// system error from the transport):
///   configuration → 3, except invalid_option (a bad option value) → 2;
///   refused and clock_skew → 4;
///   transient, untrusted (TLS) and cancelled (the --timeout deadline) → 5;
///   none → 0, and a here.oauth value this version does not know → 1.
exit_code exit_code_for(const boost::system::error_code& ec);

/// The number main() returns.
constexpr int to_int(exit_code code) noexcept {
  return static_cast<int>(code);
}

}  // namespace here::oauth::cli

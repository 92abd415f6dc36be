// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers shared by the provider tests.

#include <chrono>

#include <boost/asio/io_context.hpp>

#include <here/oauth/provider_options.hpp>

namespace here::oauth::test {

/// Runs the context until it has nothing ready to do.
inline void settle(boost::asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) {
  }
}

/// Retries fast enough for real-clock tests: 1-2 ms backoff, 3 attempts.
inline provider_options fast_retries() {
  provider_options o;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(2);
  o.retry.max_attempts = 3;
  return o;
}

}  // namespace here::oauth::test

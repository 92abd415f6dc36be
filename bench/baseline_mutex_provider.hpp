// SPDX-License-Identifier: Apache-2.0
#pragma once

// A measuring stick, not product code: the token cache most C++ services write, and the one
// HERE's own C++ SDK has (olp-cpp-sdk-authentication's TokenProvider): one std::mutex guards the
// cached token, and a caller that finds it near expiry performs a blocking request while holding
// that mutex, so every other caller waits for the request too.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth/fetch_token.hpp>

namespace here::oauth::bench {

class baseline_mutex_provider {
 public:
  /// Performs one token request and returns when it is done; throws on failure.
  using blocking_fetch = std::function<fetch_result()>;
  /// Told when a request starts (true) and ends (false), from the thread that makes it.
  using fetch_observer = std::function<void(bool started)>;

  explicit baseline_mutex_provider(blocking_fetch fetch,
                                   std::chrono::seconds refresh_ahead = std::chrono::seconds(300),
                                   fetch_observer observer = {})
      : fetch_(std::move(fetch)), refresh_ahead_(refresh_ahead), observer_(std::move(observer)) {}

  /// The cached token; when there is none or it is within refresh_ahead of expiry (at most half
  /// its lifetime, like the SDK's soft point), fetches a new one while holding the mutex.
  access_token get_token() {
    std::lock_guard lock(mutex_);
    if (!token_ || std::chrono::steady_clock::now() >= refresh_at_) {
      if (observer_)
        observer_(true);
      fetch_result r = fetch_();
      const auto ahead =
          std::min<std::chrono::steady_clock::duration>(refresh_ahead_, r.expires_in / 2);
      refresh_at_ = r.sent_at_steady + r.expires_in - ahead;
      token_ = std::move(r.token);
      if (observer_)
        observer_(false);
    }
    return *token_;
  }

 private:
  std::mutex mutex_;
  blocking_fetch fetch_;
  std::chrono::seconds refresh_ahead_;
  fetch_observer observer_;
  std::optional<access_token> token_;
  std::chrono::steady_clock::time_point refresh_at_{};
};

/// A blocking HERE token request: here::oauth::fetch_token run on an io_context of its own.
inline fetch_result blocking_fetch_token(const credentials& creds, const request_options& options) {
  boost::asio::io_context io;
  auto result = boost::asio::co_spawn(io, fetch_token(io.get_executor(), creds, options),
                                      boost::asio::use_future);
  io.run();
  return result.get();
}

}  // namespace here::oauth::bench

// SPDX-License-Identifier: Apache-2.0
#pragma once

// A transport whose requests wait until the test completes them, for provider tests: every request
// completes when and how the test says.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/post.hpp>

#include <here/oauth/fetch_token.hpp>

#include "provider/provider_core.hpp"

namespace here::oauth::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

/// A transport whose requests wait until the test completes them.
class scripted_transport {
 public:
  struct pending {
    asio::any_io_executor ex;
    std::chrono::seconds clock_offset;
    detail::fetch_handler handler;
  };

  detail::fetch_function function() {
    return [this](asio::any_io_executor ex, std::chrono::seconds offset,
                  detail::fetch_handler handler) {
      std::lock_guard lock(mutex_);
      offsets_.push_back(offset);
      auto slot = asio::get_associated_cancellation_slot(handler);
      const std::size_t index = requests_.size();
      requests_.push_back(std::make_shared<pending>(pending{ex, offset, std::move(handler)}));
      if (slot.is_connected()) {
        slot.assign([this, index](asio::cancellation_type) {
          ++cancelled_;
          finish(index, asio::error::operation_aborted, {});
        });
      }
    };
  }

  std::size_t requests() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  std::vector<std::chrono::seconds> offsets() const {
    std::lock_guard lock(mutex_);
    return offsets_;
  }
  int cancelled() const { return cancelled_; }

  static fetch_result token(const std::string& value, std::chrono::seconds lifetime = 3600s) {
    fetch_result r;
    r.token.value = value;
    r.token.token_type = "bearer";
    r.expires_in = lifetime;
    r.sent_at = std::chrono::system_clock::now();
    r.sent_at_steady = std::chrono::steady_clock::now();
    r.token.expires_at = r.sent_at + lifetime;
    return r;
  }

  /// Completes request `index` (on its executor, as a real transport would).
  void finish(std::size_t index, error_code ec, fetch_result result) {
    std::shared_ptr<pending> p;
    {
      std::lock_guard lock(mutex_);
      p = requests_.at(index);
      if (!p->handler)
        return;  // already finished (cancelled)
    }
    asio::post(p->ex, [p, ec, result = std::move(result)]() mutable {
      if (p->handler)
        std::move(p->handler)(ec, std::move(result));
    });
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<pending>> requests_;
  std::vector<std::chrono::seconds> offsets_;
  std::atomic<int> cancelled_{0};
};

/// A token answer as a transport on a manual clock gives it: sent at `sent` (wall time), its
/// steady send time left to the provider (the time it started the request).
inline fetch_result token_sent_at(const std::string& value, std::chrono::seconds lifetime,
                                  std::chrono::system_clock::time_point sent) {
  fetch_result r;
  r.token.value = value;
  r.token.token_type = "bearer";
  r.expires_in = lifetime;
  r.sent_at = sent;
  r.token.expires_at = sent + lifetime;
  return r;
}

}  // namespace here::oauth::test

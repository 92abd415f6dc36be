// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// The server's clock minus ours, learnt from the Date header of its answers and added to the
/// oauth_timestamp of later requests. Pure: the times come with each answer.
///
/// Copies share one value: a token_cache's providers (one per scope, each on its own strand) sign
/// with what any of them learnt. The value is a relaxed atomic, so sharing needs no lock.
class clock_offset {
 public:
  clock_offset() : value_(std::make_shared<std::atomic<std::int64_t>>(0)) {}

  /// One answer's facts: the wall time its request was sent and its answer received, and the
  /// server's Date (if it sent a valid one). rejected_timestamp: the answer was HERE's 401204.
  /// The server stamped its Date somewhere between sending and receiving, so the midpoint is
  /// compared with it. Date has a resolution of one second: a measurement is adopted when it
  /// differs from the known offset by 5 s or more, or always right after a 401204. Returns whether
  /// the offset changed.
  bool learn(wall_time sent, wall_time received, std::optional<wall_time> server_date,
             bool rejected_timestamp);

  std::chrono::seconds value() const noexcept {
    return std::chrono::seconds(value_->load(std::memory_order_relaxed));
  }

  /// Below this a measured difference is noise (Date's resolution is a second).
  static constexpr std::chrono::seconds noise{5};

 private:
  std::shared_ptr<std::atomic<std::int64_t>> value_;
};

}  // namespace here::oauth::detail

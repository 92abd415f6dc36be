// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <here/oauth/access_token.hpp>

#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// The cached token as callers see it: immutable once published.
struct token_snapshot {
  access_token token;
  steady_time soft;  ///< past it, a hit nudges the provider to refresh
  steady_time hard;  ///< past it, the token is not handed out
};

/// Performance trick (per-thread reads and hit counters): hands the current snapshot to any thread
/// without a shared write on the read path. Each thread keeps its own reference and re-reads under
/// the mutex only when the generation has moved, which happens once per refresh, so cache hits on
/// several threads touch no contended cache line. Hits are counted the same way: each thread has a
/// counter cell of its own (written by it alone, so a plain load and store, no locked instruction),
/// which the mutex-guarded registry sums. Replaced 8 hashed atomic stripes (a locked add per hit,
/// two threads could share one); with the coarse clock it took the co_await hit from 84 to 65 ns
/// (docs/performance.md).
class published_token {
 public:
  /// One thread's hits on one object. Only that thread writes it.
  struct alignas(64) hit_cell {
    std::atomic<std::uint64_t> count{0};
  };

  published_token();

  /// Publishes a snapshot (null: nothing usable). Any thread.
  void publish(std::shared_ptr<const token_snapshot> snapshot);
  /// Publishes null if the current snapshot's token has the value given. Returns whether it did.
  bool withdraw_if(const std::string& token_value);
  /// The current snapshot, and (if cell is not null) this thread's hit cell for this object. Both
  /// stay valid until this thread's next load() of this object.
  const token_snapshot* load(hit_cell** cell = nullptr) const;
  /// Counts one hit in a cell this thread got from load().
  static void count_hit(hit_cell& cell) noexcept {
    cell.count.store(cell.count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  /// Hits counted on every thread.
  std::uint64_t hits() const;

 private:
  std::shared_ptr<hit_cell> cell_for(std::thread::id thread) const;  // mutex_ held

  const std::uint64_t id_;  // unique per object: thread-local entries never confuse two providers
  alignas(64) std::atomic<std::uint64_t> generation_{1};
  mutable std::mutex mutex_;  // guards current_ and cells_; taken on a miss or a publish only
  std::shared_ptr<const token_snapshot> current_;
  mutable std::vector<std::pair<std::thread::id, std::shared_ptr<hit_cell>>> cells_;
};

}  // namespace here::oauth::detail

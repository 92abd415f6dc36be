#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include <here/oauth/access_token.hpp>

#include "refresh_fsm.hpp"

namespace here::oauth::detail {

/// The cached token as callers see it: immutable once published.
struct token_snapshot {
  access_token token;
  steady_time soft;  ///< past it, a hit nudges the provider to refresh
  steady_time hard;  ///< past it, the token is not handed out
};

/// Hands the current snapshot to any thread without a shared write on the read path: each thread
/// keeps its own reference and re-reads under the mutex only when the generation has moved, which
/// happens once per refresh. So cache hits on several threads touch no contended cache line.
class published_token {
 public:
  published_token();

  /// Publishes a snapshot (null: nothing usable). Any thread.
  void publish(std::shared_ptr<const token_snapshot> snapshot);
  /// Publishes null if the current snapshot's token has the value given. Returns whether it did.
  bool withdraw_if(const std::string& token_value);
  /// The current snapshot; the pointer stays valid until this thread's next load() of this object.
  const token_snapshot* load() const;

 private:
  const std::uint64_t id_;  // unique per object: thread-local entries never confuse two providers
  alignas(64) std::atomic<std::uint64_t> generation_{1};
  mutable std::mutex mutex_;  // guards current_; taken on a miss or a publish only
  std::shared_ptr<const token_snapshot> current_;
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <here/oauth/access_token.hpp>

#include "provider/provider_clock.hpp"
#include "provider/published_token.hpp"

namespace here::oauth::detail {

/// What any thread does to get the cached token without entering the provider's strand: load the
/// published snapshot, check its hard point, count the hit, and say when the provider should be
/// nudged because the snapshot is past its soft point and no refresh runs. No lock shared with
/// other readers (published_token); the clock is read coarsely when the soft point is far
/// (provider_clock::surely_before).
class read_path {
 public:
  explicit read_path(provider_clock clock) : clock_(std::move(clock)) {}

  /// The snapshot if its token can be handed out now (before its hard point), else null; counts
  /// the hit. Sets `nudge` when the snapshot is past its soft point, no refresh is active and no
  /// nudge is pending: the caller then posts one to the strand, which calls nudge_done(). The
  /// pointer stays valid until this thread's next hit() or peek() on this object.
  const token_snapshot* hit(bool& nudge);
  /// The token if usable now; neither counts nor nudges.
  std::optional<access_token> peek() const;
  /// Whether a snapshot is published at all (usable or not). Reads no clock.
  bool has_snapshot() const { return published_.load() != nullptr; }

  /// Strand: publishes a snapshot (null: nothing usable).
  void publish(std::shared_ptr<const token_snapshot> snapshot) {
    published_.publish(std::move(snapshot));
  }
  /// Any thread: withdraws the snapshot if its token has this value. Returns whether it did.
  bool withdraw_if(const std::string& token_value) { return published_.withdraw_if(token_value); }
  /// Strand: whether a refresh is running or scheduled (no nudge needed then).
  void set_refresh_active(bool active) { refresh_active_.store(active, std::memory_order_relaxed); }
  /// Strand: the posted nudge has run.
  void nudge_done() { nudge_posted_.store(false, std::memory_order_relaxed); }
  /// Hits counted on every thread.
  std::uint64_t hits() const { return published_.hits(); }
  const provider_clock& clock() const noexcept { return clock_; }

 private:
  provider_clock clock_;
  published_token published_;
  alignas(64) std::atomic<bool> refresh_active_{false};
  std::atomic<bool> nudge_posted_{false};
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <time.h>

#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// Performance trick: whether `deadline` is surely still ahead on steady_clock, read from the
/// kernel's coarse monotonic clock. steady_clock::now() costs 20-40 ns on virtual machines (23.5 ns
/// measured here), half a cache hit; CLOCK_MONOTONIC_COARSE costs about 5 ns and lags by a kernel
/// tick or two (6 ms measured). It is trusted only when it puts the deadline more than a second
/// away; nearer, or where the coarse clock does not count from steady_clock's origin (checked once
/// per process), this answers false and the caller reads the precise clock. Buys the cache hit
/// 84 -> 65 ns (co_await token()) and 47.5 -> 32 ns (cached()), docs/performance.md. Inline: the
/// hit path cannot afford a call.
#if defined(CLOCK_MONOTONIC_COARSE)
namespace coarse_clock {
inline constexpr std::chrono::nanoseconds margin = std::chrono::seconds(1);

inline std::chrono::nanoseconds now() noexcept {
  timespec ts{};
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
    return std::chrono::nanoseconds::min();
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

/// Whether steady_clock counts from the coarse clock's origin (CLOCK_MONOTONIC on Linux).
bool matches_steady_clock() noexcept;
}  // namespace coarse_clock

inline bool surely_before(steady_time deadline) noexcept {
  static const bool usable = coarse_clock::matches_steady_clock();
  return usable && coarse_clock::now() + coarse_clock::margin < deadline.time_since_epoch();
}
#else
inline bool surely_before(steady_time) noexcept {
  return false;
}
#endif

}  // namespace here::oauth::detail

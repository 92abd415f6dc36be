// SPDX-License-Identifier: Apache-2.0
#include "provider/coarse_clock.hpp"

namespace here::oauth::detail {

#if defined(CLOCK_MONOTONIC_COARSE)
bool coarse_clock::matches_steady_clock() noexcept {
  const auto before = std::chrono::steady_clock::now().time_since_epoch();
  const auto coarse = now();
  const auto after = std::chrono::steady_clock::now().time_since_epoch();
  return coarse <= after && before - coarse < margin / 4;
}
#endif

}  // namespace here::oauth::detail

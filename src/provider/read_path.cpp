// SPDX-License-Identifier: Apache-2.0
#include "provider/read_path.hpp"

namespace here::oauth::detail {

const token_snapshot* read_path::hit(bool& nudge) {
  published_token::hit_cell* cell = nullptr;
  const token_snapshot* snapshot = published_.load(&cell);
  if (snapshot == nullptr)
    return nullptr;
  if (clock_.surely_before(snapshot->soft)) {
    published_token::count_hit(*cell);
    return snapshot;
  }
  const steady_time now = clock_.now();
  if (now >= snapshot->hard)
    return nullptr;
  // Normally the timer has started the refresh already; a nudge covers a timer that could not run
  // (a stalled io_context), posted once, not once per hit.
  nudge = now >= snapshot->soft && !refresh_active_.load(std::memory_order_relaxed) &&
          !nudge_posted_.exchange(true, std::memory_order_relaxed);
  published_token::count_hit(*cell);
  return snapshot;
}

std::optional<access_token> read_path::peek() const {
  const token_snapshot* snapshot = published_.load();
  if (snapshot == nullptr)
    return std::nullopt;
  if (!clock_.surely_before(snapshot->hard) && clock_.now() >= snapshot->hard)
    return std::nullopt;
  return snapshot->token;
}

}  // namespace here::oauth::detail

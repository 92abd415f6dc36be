// SPDX-License-Identifier: Apache-2.0
#include "provider/clock_offset.hpp"

namespace here::oauth::detail {

bool clock_offset::learn(wall_time sent, wall_time received, std::optional<wall_time> server_date,
                         bool rejected_timestamp) {
  if (!server_date || sent == wall_time{})
    return false;
  const wall_time midpoint = sent + (received - sent) / 2;
  const auto measured = std::chrono::round<std::chrono::seconds>(*server_date - midpoint);
  const std::chrono::seconds known = value();
  if (!rejected_timestamp && std::chrono::abs(measured - known) < noise)
    return false;
  value_->store(measured.count(), std::memory_order_relaxed);
  return measured != known;
}

}  // namespace here::oauth::detail

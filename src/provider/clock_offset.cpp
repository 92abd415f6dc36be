// SPDX-License-Identifier: Apache-2.0
#include "provider/clock_offset.hpp"

namespace here::oauth::detail {

bool clock_offset::learn(wall_time sent, wall_time received, std::optional<wall_time> server_date,
                         bool rejected_timestamp) {
  if (!server_date || sent == wall_time{})
    return false;
  const wall_time midpoint = sent + (received - sent) / 2;
  const auto measured = std::chrono::round<std::chrono::seconds>(*server_date - midpoint);
  if (!rejected_timestamp && std::chrono::abs(measured - value_) < noise)
    return false;
  const bool changed = measured != value_;
  value_ = measured;
  return changed;
}

}  // namespace here::oauth::detail

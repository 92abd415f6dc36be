// SPDX-License-Identifier: Apache-2.0
#include "provider/timeline.hpp"

#include <algorithm>

namespace here::oauth::detail {

token_deadlines compute_deadlines(steady_time sent, milliseconds lifetime,
                                  std::chrono::seconds refresh_ahead,
                                  std::chrono::seconds expiry_margin) {
  const milliseconds ahead = std::min<milliseconds>(refresh_ahead, lifetime / 2);
  const milliseconds margin = std::min<milliseconds>(expiry_margin, lifetime / 10);
  token_deadlines d;
  d.expiry = sent + lifetime;
  d.hard = d.expiry - margin;
  d.soft = std::min(d.expiry - ahead, d.hard);
  return d;
}

token_deadlines compute_half_life_deadlines(steady_time sent, milliseconds lifetime, double spread,
                                            std::chrono::seconds expiry_margin) {
  const milliseconds half = lifetime / 2;
  const double fraction = std::clamp(spread, 0.0, 1.0);
  const milliseconds taken(
      static_cast<milliseconds::rep>(static_cast<double>(half.count()) * fraction));
  const milliseconds margin = std::min<milliseconds>(expiry_margin, lifetime / 10);
  token_deadlines d;
  d.expiry = sent + lifetime;
  d.hard = d.expiry - margin;
  d.soft = std::min(sent + (half - taken), d.hard);
  return d;
}

timeline_policy timeline_policy::make(std::chrono::seconds refresh_ahead,
                                      std::chrono::seconds expiry_margin, double random01) {
  timeline_policy p;
  p.expiry_margin = expiry_margin;
  if (refresh_ahead.count() < 0) {
    p.half_life = true;
    p.spread = max_spread * std::clamp(random01, 0.0, 1.0);
  } else {
    p.refresh_ahead = refresh_ahead;
  }
  return p;
}

}  // namespace here::oauth::detail

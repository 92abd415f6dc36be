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

}  // namespace here::oauth::detail

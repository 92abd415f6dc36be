// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>

namespace here::oauth::detail {

using steady_time = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;
using std::chrono::milliseconds;

/// When a token stops being served from cache without a refresh (soft), stops being served at all
/// (hard), and expires.
struct token_deadlines {
  steady_time soft;
  steady_time hard;
  steady_time expiry;
};

/// soft = expiry - min(refresh_ahead, lifetime/2); hard = expiry - min(expiry_margin, lifetime/10),
/// with soft never after hard. Times count from when the request was sent.
token_deadlines compute_deadlines(steady_time sent, milliseconds lifetime,
                                  std::chrono::seconds refresh_ahead,
                                  std::chrono::seconds expiry_margin);

/// Where the soft and hard points of every token of one provider fall. Issue 12's refresh at about
/// half the lifetime with a per-provider random spread is a field drawn once at construction and
/// used here, nowhere else.
struct timeline_policy {
  std::chrono::seconds refresh_ahead{300};
  std::chrono::seconds expiry_margin{30};

  token_deadlines deadlines(steady_time sent, milliseconds lifetime) const {
    return compute_deadlines(sent, lifetime, refresh_ahead, expiry_margin);
  }
};

}  // namespace here::oauth::detail

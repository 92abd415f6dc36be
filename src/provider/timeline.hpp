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

/// soft = sent + lifetime/2 - spread * lifetime/2 (spread in [0, 1], clamped), hard as above, soft
/// never after hard: the default timeline, refresh at about half the lifetime.
token_deadlines compute_half_life_deadlines(steady_time sent, milliseconds lifetime, double spread,
                                            std::chrono::seconds expiry_margin);

/// Where the soft and hard points of every token of one provider fall.
///
/// By default (half_life) the soft point is half the lifetime less a spread drawn once per
/// provider, up to max_spread of that half (a 24 h token: between 10 h 48 min and 12 h): an
/// endpoint outage shorter than half a lifetime never reaches a caller, and a fleet started
/// together does not refresh together. With refresh_ahead set explicitly the soft point is
/// expiry - refresh_ahead (at most half the lifetime), as before.
struct timeline_policy {
  /// The largest spread, as a fraction of the half-life.
  static constexpr double max_spread = 0.1;

  std::chrono::seconds refresh_ahead{300};
  std::chrono::seconds expiry_margin{30};
  bool half_life = false;  ///< refresh_ahead unused: soft point at half the lifetime less spread
  double spread = 0;       ///< the fraction of the half-life taken off, in [0, max_spread]

  /// The policy of a provider: refresh_ahead negative means the half-life default, whose spread
  /// is max_spread * random01 (a value in [0, 1) drawn once per provider).
  static timeline_policy make(std::chrono::seconds refresh_ahead,
                              std::chrono::seconds expiry_margin, double random01);

  token_deadlines deadlines(steady_time sent, milliseconds lifetime) const {
    return half_life ? compute_half_life_deadlines(sent, lifetime, spread, expiry_margin)
                     : compute_deadlines(sent, lifetime, refresh_ahead, expiry_margin);
  }
};

}  // namespace here::oauth::detail

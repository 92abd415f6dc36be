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

}  // namespace here::oauth::detail

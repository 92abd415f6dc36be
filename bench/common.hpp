// SPDX-License-Identifier: Apache-2.0
#pragma once

// Pieces shared by the benchmark programs: HERE-sized tokens, a transport that answers at once
// (for the pure cache path) and small helpers. Measuring sticks live in baseline_*.hpp.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider/provider_access.hpp"

namespace here::oauth::bench {

/// HERE's access tokens are JWTs of about 900 characters: "header.payload.signature" in
/// base64url. The local token server issues tokens of the same size (server_options::token_size).
inline constexpr std::size_t here_token_size = 900;

/// A JWT-shaped token of `size` characters; `seed` makes different tokens.
inline std::string jwt_like_token(std::uint64_t seed = 1, std::size_t size = here_token_size) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out = "eyJhbGciOiJSUzUxMiIsImN0eSI6IkpXVCIsImlzcyI6IkhFUkUiLCJhaWQiOi";
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  while (out.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out.push_back(alphabet[x & 63]);
  }
  out.resize(size);
  out[size * 6 / 10] = '.';  // payload ends here; the signature (RS512, 342 chars) follows
  out[36] = '.';             // header ends here
  return out;
}

/// A fetch function that answers every request with a fresh HERE-sized token of `lifetime`,
/// completing through the executor it is given (never inline), without any network. For measuring
/// the cache path only.
inline detail::fetch_function immediate_fetch(std::chrono::seconds lifetime) {
  auto counter = std::make_shared<std::uint64_t>(0);
  return [lifetime, counter](boost::asio::any_io_executor ex, std::chrono::seconds,
                             detail::fetch_handler handler) {
    fetch_result r;
    r.token.value = jwt_like_token(++*counter);
    r.token.token_type = "bearer";
    r.expires_in = lifetime;
    r.sent_at = std::chrono::system_clock::now();
    r.sent_at_steady = std::chrono::steady_clock::now();
    r.token.expires_at = r.sent_at + lifetime;
    boost::asio::post(
        ex, boost::asio::append(std::move(handler), boost::system::error_code{}, std::move(r)));
  };
}

/// A co_spawn completion handler that does not swallow exceptions.
struct rethrow {
  void operator()(std::exception_ptr e) const {
    if (e)
      std::rethrow_exception(e);
  }
};

/// The q-quantile (0..1) of samples, which it sorts. 0 when empty.
template <class T>
T quantile(std::vector<T>& samples, double q) {
  if (samples.empty())
    return T{};
  std::sort(samples.begin(), samples.end());
  const auto index = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(index, samples.size() - 1)];
}

using clock = std::chrono::steady_clock;

inline double ns_between(clock::time_point a, clock::time_point b) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

}  // namespace here::oauth::bench

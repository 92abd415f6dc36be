// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/request_options.hpp>

namespace here::oauth {

/// How failed token requests are retried. Delays use exponential backoff with full jitter:
/// a random delay in [0, min(max_delay, base_delay * 2^(n-1))] before retry n, never less than the
/// server's Retry-After.
struct HERE_OAUTH_API retry_policy {
  /// Attempts made while callers wait (the first one included) before they get the error.
  unsigned max_attempts = 4;
  /// The backoff ceiling of the first retry; it doubles with each further failure.
  std::chrono::milliseconds base_delay{200};
  /// The highest backoff ceiling.
  std::chrono::milliseconds max_delay{30000};
  /// How long a credentials error (401300 and the like, other 4xx, certificate failures) is served
  /// to new callers before the endpoint is asked again: a bad key must not hammer it.
  std::chrono::milliseconds permanent_error_backoff{30000};
  /// A Retry-After larger than this is capped to it.
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(10)};
};

/// What the provider reports to the optional event callback. Never contains the secret or a whole
/// token.
struct HERE_OAUTH_API provider_event {
  /// warning: emitted once when the provider starts, for each of credentials::warnings, and when a
  /// changed credentials file cannot be used (the previous credentials stay); the text is in
  /// details.message. credentials_reloaded: the credentials changed (the file was rewritten, or
  /// update_credentials()); used from the next request on. details.message says where from,
  /// never what they are.
  enum class kind {
    request_started,
    request_succeeded,
    request_failed,
    warning,
    credentials_reloaded
  };
  kind type = kind::request_started;  ///< what happened
  unsigned attempt = 1;  ///< 1 for the first attempt of a refresh, 2 for its first retry…
  std::chrono::milliseconds duration{};  ///< for succeeded/failed: how long the request took
  boost::system::error_code error;       ///< for failed
  error_details details;                 ///< for failed: what the server said
  std::chrono::milliseconds retry_in{
      -1};  ///< for failed: delay before the next attempt; -1: none scheduled
  std::chrono::system_clock::time_point expires_at;  ///< for succeeded
  std::string token_preview;            ///< for succeeded: redact_token() of the new token
  std::chrono::seconds clock_offset{};  ///< the server's clock minus ours, as currently known
};

/// Counters since construction. Reading them is cheap and never blocks the provider.
struct HERE_OAUTH_API provider_stats {
  std::uint64_t requests = 0;    ///< token requests sent
  std::uint64_t failures = 0;    ///< requests that failed
  std::uint64_t retries = 0;     ///< requests that were a retry of a failed one
  std::uint64_t cache_hits = 0;  ///< token()/async_token() calls answered from the cache
  std::uint64_t waits = 0;       ///< token()/async_token() calls that waited for a request
};

/// provider_options::refresh_ahead's default: refresh at about half the token's lifetime, less a
/// random spread drawn once per provider (docs/caching-and-refresh.md).
inline constexpr std::chrono::seconds auto_refresh_ahead{-1};

/// Options of a token_provider: the request (scope, TLS, proxy, timeout…) plus caching and retries.
struct HERE_OAUTH_API provider_options : request_options {
  /// The soft point, where a refresh starts while callers keep getting the cached token. By default
  /// (auto_refresh_ahead) at half the lifetime less a random spread of up to a tenth of that half,
  /// drawn once per provider (a 24 h token: between 10 h 48 min and 12 h). Set to 0 or more, a
  /// refresh starts this long before expiry (at most half the lifetime).
  std::chrono::seconds refresh_ahead{auto_refresh_ahead};
  /// The hard point: a token this close to expiry (at most a tenth of the lifetime) is not handed
  /// out any more; callers wait for the refresh.
  std::chrono::seconds expiry_margin{30};
  /// How failed requests are retried and errors cached (docs/caching-and-refresh.md).
  retry_policy retry;
  /// The longest a caller waits for a token: then it completes with error::timeout, carrying the
  /// last failure's details, while the provider goes on trying. Must be positive. Backoff delays
  /// of rounds with callers waiting stay below half of it.
  std::chrono::milliseconds max_wait{15000};
  /// Called on the provider's strand for every request started, succeeded or failed. Keep it quick.
  std::function<void(const provider_event&)> on_event;
};

}  // namespace here::oauth

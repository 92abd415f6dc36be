#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include <boost/system/error_code.hpp>

#include <here/oauth/provider_options.hpp>

#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// How a failed request is handled.
enum class failure_kind {
  transient,   ///< DNS, connect, TLS I/O, timeout, 5xx, 429, malformed answer: retry with backoff
  clock_skew,  ///< 401204: retry once at once with the server's clock
  permanent,   ///< credentials, other 4xx, certificate, redirect: no retry, long backoff
};
failure_kind classify_failure(const boost::system::error_code& ec);

/// The provider's decisions, free of I/O and clocks: every event comes with "now", and the answer
/// says what to do. Runs on the provider's strand only.
class refresh_fsm {
 public:
  /// random01 returns a uniform value in [0, 1) for the jitter; tests pass a fixed one.
  refresh_fsm(std::chrono::seconds refresh_ahead, std::chrono::seconds expiry_margin,
              retry_policy retry, std::function<double()> random01);

  enum class phase { idle, fetching, backoff };

  /// A caller wants a token.
  enum class demand { serve, wait, fail };
  struct demand_decision {
    demand what = demand::wait;
    bool start_fetch = false;
  };
  demand_decision on_demand(steady_time now);

  /// What follows a finished request.
  struct fetch_decision {
    bool adopt_token = false;              ///< the new token replaces the cached one
    bool complete_waiters = false;         ///< waiters get the (adopted or still usable) token
    bool fail_waiters = false;             ///< waiters get the error
    bool start_fetch = false;              ///< retry at once (clock skew corrected)
    std::optional<milliseconds> retry_in;  ///< a retry is scheduled after this delay
  };
  fetch_decision on_fetch_succeeded(steady_time now, steady_time sent, milliseconds lifetime);
  fetch_decision on_fetch_failed(steady_time now, failure_kind kind,
                                 std::optional<milliseconds> retry_after);

  /// The timer fired (refresh point or end of a backoff). True: start a request.
  bool on_timer(steady_time now);
  /// A HERE API rejected the cached token. True: start a request.
  bool on_invalidated();
  /// cancel(): abandon the request and backoff in flight; the cached token stays.
  void on_cancelled();

  /// When the timer should fire next, if at all.
  std::optional<steady_time> next_wakeup() const;

  phase current_phase() const noexcept { return phase_; }
  bool usable(steady_time now) const noexcept { return deadlines_ && now < deadlines_->hard; }
  const std::optional<token_deadlines>& deadlines() const noexcept { return deadlines_; }
  /// 1 for the first attempt of a refresh, 2 for the first retry, …
  unsigned attempt() const noexcept { return attempt_; }

 private:
  milliseconds backoff_delay(failure_kind kind, std::optional<milliseconds> retry_after);
  void start(steady_time now);

  std::chrono::seconds refresh_ahead_;
  std::chrono::seconds expiry_margin_;
  retry_policy retry_;
  std::function<double()> random01_;

  phase phase_ = phase::idle;
  std::optional<token_deadlines> deadlines_;
  // A refresh that did not extend the token is not retried before this point.
  std::optional<steady_time> not_before_;
  std::optional<steady_time> retry_at_;     // phase backoff: when the next attempt starts
  bool waiters_wait_for_retry_ = false;     // backoff with callers waiting (no usable token)
  std::optional<steady_time> error_until_;  // no usable token: fail callers at once until then
  unsigned attempt_ = 0;                    // attempts in the current refresh
  unsigned failures_ = 0;                   // consecutive failures, for the backoff exponent
  bool skew_retried_ = false;
};

}  // namespace here::oauth::detail

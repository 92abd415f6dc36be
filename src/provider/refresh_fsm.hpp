// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/provider_options.hpp>

#include "provider/clock_offset.hpp"
#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// How a failed request is handled.
enum class failure_kind {
  transient,   ///< DNS, connect, TLS I/O, timeout, 5xx, 429, malformed answer: retry with backoff
  clock_skew,  ///< 401204: retry once at once with the server's clock
  permanent,   ///< credentials, other 4xx, certificate, redirect: no retry, long backoff
};
failure_kind classify_failure(const boost::system::error_code& ec);

/// What the shell does in answer to one event: exactly one of these, so no two answers can
/// contradict each other. Which payload fields a kind uses is said next to it.
enum class action_kind {
  none,               ///< nothing to do
  serve,              ///< demand: hand the caller the cached token
  serve_and_refresh,  ///< demand: hand the caller the cached token and start `request`
  wait,               ///< demand: queue the caller for the request in flight (or its backoff)
  wait_and_fetch,     ///< demand: queue the caller and start `request`
  fail,               ///< demand: complete the caller with `error` and `details` (remembered)
  fetch,              ///< timer, nudge, invalidation: start `request`
  adopt,              ///< answer: publish the new token (`deadlines`), complete the waiters with it
  keep,               ///< answer not newer than the cached token: complete the waiters with that
  retry_at_once,      ///< failed (`error`, `details`), clock corrected: start `request` now
  back_off,           ///< failed (`error`, `details`): next attempt in `retry_in`; waiters wait on
  fail_waiters,       ///< failed (`error`, `details`), given up: complete the waiters with them
  abandon,            ///< cancelled: drop the request in flight, complete the waiters (aborted)
  expire_waiters,     ///< max_wait passed: complete the waiters queued that long with `error`
                      ///< (timeout) and `details`; the refresh goes on
};

/// A request to start: which attempt of the refresh it is, and the clock offset to sign with.
struct request_plan {
  unsigned attempt = 0;  ///< 1 for the first attempt of a refresh, 2 for its first retry, …
  std::chrono::seconds clock_offset{0};
};

struct refresh_action {
  action_kind kind = action_kind::none;
  request_plan request;                          ///< the kinds that start a request
  token_deadlines deadlines{};                   ///< adopt
  boost::system::error_code error;               ///< fail and the failed kinds
  std::shared_ptr<const error_details> details;  ///< fail and the failed kinds (may be null)
  milliseconds retry_in{-1};                     ///< back_off; 0 for retry_at_once

  /// Whether the shell starts a request.
  bool starts_request() const noexcept {
    return kind == action_kind::serve_and_refresh || kind == action_kind::wait_and_fetch ||
           kind == action_kind::fetch || kind == action_kind::retry_at_once;
  }
  /// Whether the answer was a failure (the shell reports request_failed).
  bool is_failure() const noexcept {
    return kind == action_kind::retry_at_once || kind == action_kind::back_off ||
           kind == action_kind::fail_waiters;
  }
};

/// What every answer of the endpoint tells, success or failure.
struct answer_facts {
  steady_time sent{};   ///< when the request was sent
  wall_time sent_wall;  ///< the same instant on the wall clock (zero: unknown)
  wall_time received_wall;
  std::optional<wall_time> server_date;  ///< the answer's Date header
};

/// The provider's decisions, free of I/O and clocks: each event comes with "now" and is answered
/// with one action. The machine owns the whole refresh state: the timeline of the cached token,
/// the request in flight and its attempts, the backoff, the remembered error and its details,
/// and the clock offset learnt from the server. Runs on the provider's strand only.
class refresh_fsm {
 public:
  /// random01 returns a uniform value in [0, 1) for the jitter; tests pass a fixed one. max_wait:
  /// how long a caller may wait (provider_options::max_wait); the backoff ceiling of rounds with
  /// callers waiting stays at half of it.
  refresh_fsm(timeline_policy timeline, retry_policy retry, std::function<double()> random01,
              milliseconds max_wait = milliseconds::max(), detail::clock_offset offset = {});
  /// The same with the timeline's two durations given apart.
  refresh_fsm(std::chrono::seconds refresh_ahead, std::chrono::seconds expiry_margin,
              retry_policy retry, std::function<double()> random01)
      : refresh_fsm(timeline_policy{refresh_ahead, expiry_margin}, retry, std::move(random01)) {}

  enum class phase { idle, fetching, backoff };

  // Events.
  /// A caller wants a token: serve, serve_and_refresh, wait, wait_and_fetch or fail.
  refresh_action on_demand(steady_time now);
  /// The request answered with a token of `expires_in`: adopt, keep, or (expired on arrival) one
  /// of the failed kinds.
  refresh_action on_fetch_succeeded(steady_time now, const answer_facts& facts,
                                    std::chrono::seconds expires_in);
  /// The request failed: retry_at_once, back_off or fail_waiters. credentials_reloaded: the
  /// shell re-read the credentials after this refusal and they changed: one immediate retry with
  /// them per refresh, before the refusal is reported.
  refresh_action on_fetch_failed(steady_time now, const answer_facts& facts,
                                 boost::system::error_code ec, error_details details,
                                 bool credentials_reloaded = false);
  /// The timer fired: fetch or none.
  refresh_action on_timer(steady_time now);
  /// A cache hit found the token past its soft point with no refresh running (the timer could not
  /// run): fetch or none.
  refresh_action on_nudge(steady_time now);
  /// A HERE API rejected the cached token: fetch or none.
  refresh_action on_invalidated(steady_time now);
  /// cancel(): abandon. The cached token stays.
  refresh_action on_cancelled();
  /// The oldest waiters have waited max_wait: expire_waiters, with error::timeout and the details
  /// of the last failure since the last success (or a message saying no answer came yet). The
  /// refresh goes on in the background.
  refresh_action on_wait_expired(steady_time now);

  // State, for the shell and tests.
  /// When the timer should fire next, if at all (never after cancel() until a request starts).
  std::optional<steady_time> next_wakeup() const {
    return halted_ ? std::nullopt : timeline_wakeup();
  }
  phase current_phase() const noexcept { return phase_; }
  bool usable(steady_time now) const noexcept { return deadlines_ && now < deadlines_->hard; }
  const std::optional<token_deadlines>& deadlines() const noexcept { return deadlines_; }
  /// 1 for the first attempt of a refresh, 2 for the first retry, …
  unsigned attempt() const noexcept { return attempt_; }
  std::chrono::seconds clock_offset() const noexcept { return offset_.value(); }
  const boost::system::error_code& last_error() const noexcept { return last_error_; }
  const std::shared_ptr<const error_details>& last_details() const noexcept {
    return last_details_;
  }

 private:
  refresh_action start(action_kind kind);
  refresh_action begin_refresh(action_kind kind);
  refresh_action failed(steady_time now, boost::system::error_code ec,
                        std::shared_ptr<const error_details> details);
  milliseconds backoff_delay(failure_kind kind, std::optional<milliseconds> retry_after,
                             bool callers_wait);
  refresh_action remembered_failure() const;
  std::optional<steady_time> timeline_wakeup() const;

  timeline_policy timeline_;
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
  bool credentials_retried_ = false;  // the immediate retry after re-read credentials is spent
  milliseconds max_wait_;
  bool halted_ = false;  // cancelled: no timer until the next request starts
  boost::system::error_code last_error_;
  std::shared_ptr<const error_details> last_details_;
  detail::clock_offset offset_;
};

}  // namespace here::oauth::detail

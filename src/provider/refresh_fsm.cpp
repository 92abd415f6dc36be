// SPDX-License-Identifier: Apache-2.0
#include "provider/refresh_fsm.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace here::oauth::detail {

failure_kind classify_failure(const boost::system::error_code& ec) {
  switch (classify(ec)) {
    case failure_class::clock_skew:
      return failure_kind::clock_skew;
    case failure_class::none:  // not a failure; no caller passes it
    case failure_class::transient:
    case failure_class::cancelled:
      return failure_kind::transient;
    case failure_class::configuration:
    case failure_class::refused:
    case failure_class::untrusted:
      return failure_kind::permanent;
  }
  return failure_kind::permanent;
}

namespace {
refresh_action just(action_kind kind) {
  refresh_action a;
  a.kind = kind;
  return a;
}
}  // namespace

refresh_fsm::refresh_fsm(timeline_policy timeline, retry_policy retry,
                         std::function<double()> random01, milliseconds max_wait,
                         detail::clock_offset offset)
    : timeline_(timeline),
      retry_(retry),
      random01_(std::move(random01)),
      max_wait_(max_wait),
      offset_(std::move(offset)) {
  retry_.max_attempts = std::max(1u, retry_.max_attempts);
}

refresh_action refresh_fsm::start(action_kind kind) {
  phase_ = phase::fetching;
  retry_at_.reset();
  halted_ = false;
  ++attempt_;
  refresh_action a = just(kind);
  a.request = request_plan{attempt_, offset_.value()};
  return a;
}

refresh_action refresh_fsm::begin_refresh(action_kind kind) {
  attempt_ = 0;
  skew_retried_ = false;
  credentials_retried_ = false;
  return start(kind);
}

refresh_action refresh_fsm::remembered_failure() const {
  refresh_action a = just(action_kind::fail);
  a.error = last_error_ ? last_error_ : make_error_code(error::backing_off);
  a.details = last_details_;
  return a;
}

refresh_action refresh_fsm::on_demand(steady_time now) {
  if (usable(now)) {
    const bool refresh_due =
        phase_ == phase::idle && now >= deadlines_->soft && (!not_before_ || now >= *not_before_);
    return refresh_due ? begin_refresh(action_kind::serve_and_refresh) : just(action_kind::serve);
  }
  switch (phase_) {
    case phase::fetching:
      return just(action_kind::wait);
    case phase::backoff:
      // With waiters, the backoff is part of their request; without, the token expired during a
      // background backoff and the last failure is what callers get until the retry.
      return waiters_wait_for_retry_ ? just(action_kind::wait) : remembered_failure();
    case phase::idle:
      break;
  }
  if (error_until_ && now < *error_until_)
    return remembered_failure();
  error_until_.reset();
  return begin_refresh(action_kind::wait_and_fetch);
}

refresh_action refresh_fsm::on_fetch_succeeded(steady_time now, const answer_facts& facts,
                                               std::chrono::seconds expires_in) {
  offset_.learn(facts.sent_wall, facts.received_wall, facts.server_date, false);
  phase_ = phase::idle;
  retry_at_.reset();
  waiters_wait_for_retry_ = false;
  const token_deadlines fresh = timeline_.deadlines(facts.sent, expires_in);
  if (usable(now) && fresh.expiry <= deadlines_->expiry) {
    // The endpoint handed back a token that lives no longer than ours (a server-side cache, say):
    // keep ours, and ask again only halfway to its hard point, so this cannot loop.
    attempt_ = 0;
    not_before_ = now + std::max<milliseconds>(
                            std::chrono::seconds(1),
                            std::chrono::duration_cast<milliseconds>(deadlines_->hard - now) / 2);
    return just(action_kind::keep);
  }
  if (now >= fresh.hard) {
    // Expired on arrival (the request outlived the token's usable part): nothing usable came back.
    auto details = std::make_shared<error_details>();
    details->message = "the token expired before its answer arrived (expires_in " +
                       std::to_string(expires_in.count()) + " s)";
    return failed(now, make_error_code(error::malformed_response), std::move(details));
  }
  deadlines_ = fresh;
  not_before_.reset();
  error_until_.reset();
  failures_ = 0;
  attempt_ = 0;
  skew_retried_ = false;
  refresh_action a = just(action_kind::adopt);
  a.deadlines = fresh;
  return a;
}

refresh_action refresh_fsm::on_fetch_failed(steady_time now, const answer_facts& facts,
                                            boost::system::error_code ec, error_details details,
                                            bool credentials_reloaded) {
  offset_.learn(facts.sent_wall, facts.received_wall, facts.server_date,
                classify(ec) == failure_class::clock_skew);
  if (credentials_reloaded && !credentials_retried_) {
    // Refused, and the credentials changed meanwhile (a rotated key): one retry at once with the
    // new ones before anyone hears of the refusal.
    credentials_retried_ = true;
    last_error_ = ec;
    last_details_ = std::make_shared<const error_details>(std::move(details));
    refresh_action a = start(action_kind::retry_at_once);
    a.error = last_error_;
    a.details = last_details_;
    a.retry_in = milliseconds(0);
    return a;
  }
  return failed(now, ec, std::make_shared<const error_details>(std::move(details)));
}

milliseconds refresh_fsm::backoff_delay(failure_kind kind, std::optional<milliseconds> retry_after,
                                        bool callers_wait) {
  milliseconds delay;
  if (kind == failure_kind::transient) {
    // Full jitter: uniform in [0, min(cap, base * 2^(failures-1))]. With callers waiting the
    // ceiling stays at half of max_wait, so a waiting caller sees another attempt in time however
    // far the ceilings grew in earlier rounds.
    const unsigned exponent = std::min(failures_ > 0 ? failures_ - 1 : 0u, 20u);
    milliseconds ceiling =
        std::min<milliseconds>(retry_.max_delay, retry_.base_delay * (1LL << exponent));
    if (callers_wait)
      ceiling = std::min(ceiling, max_wait_ / 2);
    delay = milliseconds(static_cast<milliseconds::rep>(ceiling.count() * random01_()));
  } else {
    delay = retry_.permanent_error_backoff;
  }
  if (retry_after)
    delay = std::max(delay, std::min(*retry_after, retry_.max_retry_after));
  return delay;
}

refresh_action refresh_fsm::failed(steady_time now, boost::system::error_code ec,
                                   std::shared_ptr<const error_details> details) {
  phase_ = phase::idle;
  last_error_ = ec;
  last_details_ = std::move(details);
  auto with_error = [this](refresh_action a) {
    a.error = last_error_;
    a.details = last_details_;
    return a;
  };
  failure_kind kind = classify_failure(ec);
  if (kind == failure_kind::clock_skew && !skew_retried_) {
    // The offset has been learnt from this answer: one immediate retry with it.
    skew_retried_ = true;
    refresh_action a = with_error(start(action_kind::retry_at_once));
    a.retry_in = milliseconds(0);
    return a;
  }
  if (kind == failure_kind::clock_skew)
    kind = failure_kind::permanent;
  ++failures_;
  std::optional<milliseconds> retry_after;
  if (last_details_ && last_details_->retry_after)
    retry_after = *last_details_->retry_after;
  const bool usable_now = usable(now);
  const milliseconds delay = backoff_delay(kind, retry_after, !usable_now);

  if (usable_now || (kind == failure_kind::transient && attempt_ < retry_.max_attempts)) {
    // With a usable token the failure is invisible: callers keep it while we retry in the
    // background. Without one, the waiters wait through the backoff for the next attempt.
    phase_ = phase::backoff;
    retry_at_ = now + delay;
    waiters_wait_for_retry_ = !usable_now;
    refresh_action a = with_error(just(action_kind::back_off));
    a.retry_in = delay;
    return a;
  }
  // Give up for now: waiters get the error, and so does every caller until the backoff has passed
  // (at least the base delay, so a full jitter of zero cannot turn into a hammering loop).
  waiters_wait_for_retry_ = false;
  error_until_ = now + std::max(delay, retry_.base_delay);
  attempt_ = 0;
  return with_error(just(action_kind::fail_waiters));
}

refresh_action refresh_fsm::on_timer(steady_time now) {
  if (phase_ == phase::backoff) {
    if (!retry_at_ || now < *retry_at_)
      return just(action_kind::none);
    return start(action_kind::fetch);
  }
  if (phase_ != phase::idle || !deadlines_)
    return just(action_kind::none);
  if (auto wake = timeline_wakeup(); !wake || now < *wake)
    return just(action_kind::none);
  return begin_refresh(action_kind::fetch);
}

refresh_action refresh_fsm::on_nudge(steady_time now) {
  return usable(now) ? on_timer(now) : just(action_kind::none);
}

refresh_action refresh_fsm::on_invalidated(steady_time now) {
  deadlines_.reset();
  not_before_.reset();
  // A request in flight is reused, and a cached error still applies.
  if (phase_ == phase::fetching || (error_until_ && now < *error_until_))
    return just(action_kind::none);
  waiters_wait_for_retry_ = false;
  return begin_refresh(action_kind::fetch);
}

refresh_action refresh_fsm::on_cancelled() {
  phase_ = phase::idle;
  retry_at_.reset();
  waiters_wait_for_retry_ = false;
  attempt_ = 0;
  skew_retried_ = false;
  credentials_retried_ = false;
  halted_ = true;
  return just(action_kind::abandon);
}

refresh_action refresh_fsm::on_wait_expired(steady_time now) {
  refresh_action a = just(action_kind::expire_waiters);
  a.error = make_error_code(error::timed_out);
  if (failures_ > 0 && last_error_) {
    auto details =
        std::make_shared<error_details>(last_details_ ? *last_details_ : error_details{});
    if (details->message.empty())
      details->message = "last attempt: " + last_error_.message();
    a.details = std::move(details);
  } else {
    auto details = std::make_shared<error_details>();
    details->message = phase_ == phase::fetching && !usable(now)
                           ? "no answer from the token endpoint yet; still trying"
                           : "no token yet; still trying";
    a.details = std::move(details);
  }
  return a;
}

std::optional<steady_time> refresh_fsm::timeline_wakeup() const {
  switch (phase_) {
    case phase::backoff:
      return retry_at_;
    case phase::fetching:
      return std::nullopt;
    case phase::idle:
      break;
  }
  if (!deadlines_)
    return std::nullopt;
  steady_time wake = deadlines_->soft;
  if (not_before_)
    wake = std::max(wake, *not_before_);
  if (error_until_)
    wake = std::max(wake, *error_until_);
  return wake;
}

}  // namespace here::oauth::detail

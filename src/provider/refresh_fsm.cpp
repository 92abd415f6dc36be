#include "provider/refresh_fsm.hpp"

#include <algorithm>

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
refresh_fsm::fetch_decision decided(bool adopt, bool complete, bool fail, bool start,
                                    std::optional<milliseconds> retry_in = std::nullopt) {
  refresh_fsm::fetch_decision d;
  d.adopt_token = adopt;
  d.complete_waiters = complete;
  d.fail_waiters = fail;
  d.start_fetch = start;
  d.retry_in = retry_in;
  return d;
}
}  // namespace

refresh_fsm::refresh_fsm(std::chrono::seconds refresh_ahead, std::chrono::seconds expiry_margin,
                         retry_policy retry, std::function<double()> random01)
    : refresh_ahead_(refresh_ahead),
      expiry_margin_(expiry_margin),
      retry_(retry),
      random01_(std::move(random01)) {
  retry_.max_attempts = std::max(1u, retry_.max_attempts);
}

void refresh_fsm::start(steady_time) {
  phase_ = phase::fetching;
  retry_at_.reset();
  ++attempt_;
}

refresh_fsm::demand_decision refresh_fsm::on_demand(steady_time now) {
  if (usable(now)) {
    const bool refresh_due =
        phase_ == phase::idle && now >= deadlines_->soft && (!not_before_ || now >= *not_before_);
    if (refresh_due) {
      attempt_ = 0;
      skew_retried_ = false;
      start(now);
    }
    return {demand::serve, refresh_due};
  }
  switch (phase_) {
    case phase::fetching:
      return {demand::wait, false};
    case phase::backoff:
      // With waiters, the backoff is part of their request; without, the token expired during a
      // background backoff and the last failure is what callers get until the retry.
      return {waiters_wait_for_retry_ ? demand::wait : demand::fail, false};
    case phase::idle:
      break;
  }
  if (error_until_ && now < *error_until_)
    return {demand::fail, false};
  error_until_.reset();
  attempt_ = 0;
  skew_retried_ = false;
  start(now);
  return {demand::wait, true};
}

refresh_fsm::fetch_decision refresh_fsm::on_fetch_succeeded(steady_time now, steady_time sent,
                                                            milliseconds lifetime) {
  phase_ = phase::idle;
  retry_at_.reset();
  waiters_wait_for_retry_ = false;
  const token_deadlines fresh = compute_deadlines(sent, lifetime, refresh_ahead_, expiry_margin_);
  if (usable(now) && fresh.expiry <= deadlines_->expiry) {
    // The endpoint handed back a token that lives no longer than ours (a server-side cache, say):
    // keep ours, and ask again only halfway to its hard point, so this cannot loop.
    attempt_ = 0;
    not_before_ = now + std::max<milliseconds>(
                            std::chrono::seconds(1),
                            std::chrono::duration_cast<milliseconds>(deadlines_->hard - now) / 2);
    return decided(false, true, false, false);
  }
  if (now >= fresh.expiry) {
    // Expired on arrival (the request outlived the token): nothing usable came back.
    return on_fetch_failed(now, failure_kind::transient, std::nullopt);
  }
  deadlines_ = fresh;
  not_before_.reset();
  error_until_.reset();
  failures_ = 0;
  attempt_ = 0;
  skew_retried_ = false;
  return decided(true, true, false, false);
}

milliseconds refresh_fsm::backoff_delay(failure_kind kind,
                                        std::optional<milliseconds> retry_after) {
  milliseconds delay;
  if (kind == failure_kind::transient) {
    // Full jitter: uniform in [0, min(cap, base * 2^(failures-1))].
    const unsigned exponent = std::min(failures_ > 0 ? failures_ - 1 : 0u, 20u);
    const milliseconds ceiling =
        std::min<milliseconds>(retry_.max_delay, retry_.base_delay * (1LL << exponent));
    delay = milliseconds(static_cast<milliseconds::rep>(ceiling.count() * random01_()));
  } else {
    delay = retry_.permanent_error_backoff;
  }
  if (retry_after)
    delay = std::max(delay, std::min(*retry_after, retry_.max_retry_after));
  return delay;
}

refresh_fsm::fetch_decision refresh_fsm::on_fetch_failed(steady_time now, failure_kind kind,
                                                         std::optional<milliseconds> retry_after) {
  phase_ = phase::idle;
  if (kind == failure_kind::clock_skew && !skew_retried_) {
    // The caller has learnt the server's clock from this answer: one immediate retry with it.
    skew_retried_ = true;
    start(now);
    return decided(false, false, false, true);
  }
  if (kind == failure_kind::clock_skew)
    kind = failure_kind::permanent;
  ++failures_;
  const milliseconds delay = backoff_delay(kind, retry_after);

  if (usable(now)) {
    // Invisible to callers: they keep the cached token while we retry in the background.
    phase_ = phase::backoff;
    retry_at_ = now + delay;
    waiters_wait_for_retry_ = false;
    return decided(false, false, false, false, delay);
  }
  if (kind == failure_kind::transient && attempt_ < retry_.max_attempts) {
    phase_ = phase::backoff;
    retry_at_ = now + delay;
    waiters_wait_for_retry_ = true;
    return decided(false, false, false, false, delay);
  }
  // Give up for now: waiters get the error, and so does every caller until the backoff has passed
  // (at least the base delay, so a full jitter of zero cannot turn into a hammering loop).
  waiters_wait_for_retry_ = false;
  error_until_ = now + std::max(delay, retry_.base_delay);
  attempt_ = 0;
  return decided(false, false, true, false);
}

bool refresh_fsm::on_timer(steady_time now) {
  if (phase_ == phase::backoff) {
    if (!retry_at_ || now < *retry_at_)
      return false;
    start(now);
    return true;
  }
  if (phase_ != phase::idle || !deadlines_)
    return false;
  if (auto wake = next_wakeup(); !wake || now < *wake)
    return false;
  attempt_ = 0;
  skew_retried_ = false;
  start(now);
  return true;
}

bool refresh_fsm::on_invalidated() {
  deadlines_.reset();
  not_before_.reset();
  if (phase_ == phase::fetching || error_until_)
    return false;
  waiters_wait_for_retry_ = false;
  attempt_ = 0;
  skew_retried_ = false;
  start({});
  return true;
}

void refresh_fsm::on_cancelled() {
  phase_ = phase::idle;
  retry_at_.reset();
  waiters_wait_for_retry_ = false;
  attempt_ = 0;
  skew_retried_ = false;
}

std::optional<steady_time> refresh_fsm::next_wakeup() const {
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

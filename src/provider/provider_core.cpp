// SPDX-License-Identifier: Apache-2.0
#include "provider/provider_core.hpp"

#include <random>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

namespace here::oauth::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

template <class Counter>
void bump(Counter& c) {
  c.value.fetch_add(1, std::memory_order_relaxed);
}

std::function<double()> default_random() {
  auto generator = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [generator] { return std::uniform_real_distribution<double>(0.0, 1.0)(*generator); };
}

/// The state machine of a provider: its refresh point's spread is drawn here, once.
refresh_fsm make_fsm(const provider_options& options, provider_environment& env,
                     milliseconds max_wait) {
  std::function<double()> random01 = env.random01 ? std::move(env.random01) : default_random();
  const timeline_policy timeline =
      timeline_policy::make(options.refresh_ahead, options.expiry_margin, random01());
  return refresh_fsm(timeline, options.retry, std::move(random01), max_wait, env.offset);
}

/// A bound far beyond any wait, so deadlines computed from it cannot overflow.
constexpr milliseconds longest_wait = std::chrono::hours(24 * 365 * 10);

}  // namespace

provider_core::provider_core(asio::any_io_executor ex, fetch_function fetch,
                             provider_options options, provider_environment env)
    : ex_(std::move(ex)),
      strand_(asio::make_strand(ex_)),
      fetch_(std::move(fetch)),
      options_(std::move(options)),
      clock_(std::move(env.clock)),
      max_wait_(std::min(options_.max_wait, longest_wait)),
      fsm_(make_fsm(options_, env, max_wait_)),
      timer_(clock_.make_timer(strand_)),
      wait_timer_(clock_.make_timer(strand_)),
      waiters_(std::make_shared<waiter_list>(ex_, strand_)),
      reader_(clock_) {}

std::optional<access_token> provider_core::try_hit() {
  if (const token_snapshot* snapshot = hit())
    return snapshot->token;
  return std::nullopt;
}

void provider_core::post_nudge() {
  asio::post(strand_, [self = shared_from_this()] {
    self->reader_.nudge_done();
    self->carry_out(self->fsm_.on_nudge(self->clock_.now()));
  });
}

void provider_core::enqueue(token_handler handler, error_details* details_out, bool track_work) {
  auto w = waiters_->make(std::move(handler), details_out, track_work);
  asio::post(strand_, [self = shared_from_this(), w = std::move(w)] { self->on_demand(w); });
}

void provider_core::invalidate(const access_token& rejected) {
  // Withdraw at once so no further hit hands out the rejected token; the strand does the rest.
  if (!reader_.withdraw_if(rejected.value))
    return;
  asio::post(strand_,
             [self = shared_from_this(), value = rejected.value] { self->on_invalidate(value); });
}

void provider_core::cancel() {
  asio::post(strand_, [self = shared_from_this()] { self->carry_out(self->fsm_.on_cancelled()); });
}

void provider_core::follow(std::unique_ptr<credentials_follower> follower) {
  follower_ = std::move(follower);
  fetch_ = follower_->fetch();
}

void provider_core::update_credentials(credentials creds) {
  if (!follower_) {
    throw token_error(make_error_code(error::invalid_option),
                      "update_credentials: this provider was not built from credentials");
  }
  fetch_function fetch = follower_->prepare(creds);  // throws for unusable credentials
  asio::post(strand_, [self = shared_from_this(), creds = std::move(creds),
                       fetch = std::move(fetch)]() mutable {
    self->follower_->replace(std::move(creds), std::move(fetch));
    credentials_follower::change change;
    change.what = credentials_follower::change::kind::reloaded;
    change.message = "credentials replaced by update_credentials()";
    self->report(change);
  });
}

bool provider_core::report(const credentials_follower::change& change) {
  if (change.what == credentials_follower::change::kind::none)
    return false;
  const bool reloaded = change.what == credentials_follower::change::kind::reloaded;
  if (reloaded)
    fetch_ = follower_->fetch();
  provider_event event;
  event.type =
      reloaded ? provider_event::kind::credentials_reloaded : provider_event::kind::warning;
  event.details.message = change.message;
  event.clock_offset = fsm_.clock_offset();
  emit(event);
  return reloaded;
}

void provider_core::report_warnings(std::vector<std::string> warnings) {
  if (warnings.empty())
    return;
  asio::post(strand_, [self = shared_from_this(), warnings = std::move(warnings)] {
    for (const auto& text : warnings) {
      provider_event event;
      event.type = provider_event::kind::warning;
      event.details.message = text;
      event.clock_offset = self->fsm_.clock_offset();
      self->emit(event);
    }
  });
}

provider_stats provider_core::stats() const {
  provider_stats s;
  s.cache_hits = reader_.hits() + strand_hits_.value.load(std::memory_order_relaxed);
  s.requests = requests_.value.load(std::memory_order_relaxed);
  s.failures = failures_.value.load(std::memory_order_relaxed);
  s.retries = retries_.value.load(std::memory_order_relaxed);
  s.waits = waits_.value.load(std::memory_order_relaxed);
  return s;
}

void provider_core::on_demand(const waiter_ptr& w) {
  if (waiter_list::done(*w))
    return;  // cancelled before it got here
  carry_out(fsm_.on_demand(clock_.now()), &w);
}

void provider_core::on_invalidate(const std::string& token_value) {
  if (!current_ || current_->token.value != token_value)
    return;
  current_.reset();
  reader_.publish(nullptr);
  carry_out(fsm_.on_invalidated(clock_.now()));
}

void provider_core::on_timer(std::uint64_t id) {
  if (id != timer_generation_)
    return;
  timer_at_.reset();
  carry_out(fsm_.on_timer(clock_.now()));
}

void provider_core::on_wait_timer(std::uint64_t id) {
  if (id != wait_timer_generation_)
    return;
  wait_timer_at_.reset();
  carry_out(fsm_.on_wait_expired(clock_.now()));
}

void provider_core::on_fetch_done(std::uint64_t id, error_code ec, fetch_result result) {
  if (id != fetch_generation_)
    return;  // abandoned by cancel()
  fetch_signal_.reset();
  const steady_time now = clock_.now();
  answer_facts facts;
  // The transport knows when the request left; a scripted one may not say.
  facts.sent = result.sent_at_steady != steady_time{} ? result.sent_at_steady : fetch_started_;
  facts.sent_wall = result.sent_at;
  facts.received_wall = clock_.wall_now();
  facts.server_date = result.server_date;
  // A refused key may have been rotated since it was read: the file is read once more, and new
  // credentials get one immediate retry before the refusal is reported.
  const bool reloaded =
      ec == error::signature_rejected && follower_ && report(follower_->poll(/*force=*/true));
  const refresh_action a =
      ec ? fsm_.on_fetch_failed(now, facts, ec, std::move(result.details), reloaded)
         : fsm_.on_fetch_succeeded(now, facts, result.expires_in);
  if (a.kind == action_kind::adopt)
    adopt(a.deadlines, result);

  provider_event event;
  event.attempt = fetch_attempt_;
  event.duration = duration_cast<milliseconds>(now - fetch_started_);
  if (a.is_failure()) {
    bump(failures_);
    event.type = provider_event::kind::request_failed;
    event.error = a.error;
    if (a.details)
      event.details = *a.details;
    if (a.kind != action_kind::fail_waiters)
      event.retry_in = a.retry_in;
  } else {
    event.type = provider_event::kind::request_succeeded;
    event.expires_at = result.token.expires_at;
    event.token_preview = redact_token(result.token.value);
  }
  event.clock_offset = fsm_.clock_offset();
  emit(event);
  carry_out(a);
}

void provider_core::carry_out(const refresh_action& a, const waiter_ptr* caller) {
  switch (a.kind) {
    case action_kind::serve:
    case action_kind::serve_and_refresh:
      bump(strand_hits_);
      waiters_->complete(*caller, {}, current_token(), nullptr);
      break;
    case action_kind::wait:
    case action_kind::wait_and_fetch:
      bump(waits_);
      waiters_->push_back(*caller, clock_.now());
      break;
    case action_kind::expire_waiters:
      waiters_->complete_queued_until(clock_.now() - max_wait_, a.error, a.details);
      break;
    case action_kind::fail:
      waiters_->complete(*caller, a.error, nullptr, a.details);
      break;
    case action_kind::adopt:  // published by on_fetch_done, which has the token
    case action_kind::keep:
      waiters_->complete_all({}, current_token(), nullptr);
      break;
    case action_kind::fail_waiters:
      waiters_->complete_all(a.error, nullptr, a.details);
      break;
    case action_kind::abandon:
      abandon();
      break;
    case action_kind::none:
    case action_kind::fetch:
    case action_kind::retry_at_once:
    case action_kind::back_off:
      break;
  }
  if (a.starts_request())
    launch_fetch(a.request);
  sync_timer();
  sync_wait_timer();
}

void provider_core::adopt(const token_deadlines& deadlines, fetch_result& result) {
  if (result.token.expires_at == std::chrono::system_clock::time_point{})
    result.token.expires_at = result.sent_at + result.expires_in;
  current_ = std::make_shared<token_snapshot>(
      token_snapshot{result.token, deadlines.soft, deadlines.hard});
  reader_.publish(current_);
}

void provider_core::abandon() {
  ++fetch_generation_;  // whatever the abandoned request returns is ignored
  if (fetch_signal_) {
    fetch_signal_->emit(asio::cancellation_type::terminal);
    fetch_signal_.reset();
  }
  waiters_->complete_all(asio::error::operation_aborted, nullptr, nullptr);
}

void provider_core::launch_fetch(const request_plan& plan) {
  if (follower_)
    report(follower_->poll(/*force=*/false));  // one stat() when the file is unchanged
  const std::uint64_t id = ++fetch_generation_;
  fetch_started_ = clock_.now();
  fetch_attempt_ = plan.attempt;
  bump(requests_);
  if (plan.attempt > 1)
    bump(retries_);
  reader_.set_refresh_active(true);
  provider_event started;
  started.type = provider_event::kind::request_started;
  started.attempt = plan.attempt;
  started.clock_offset = plan.clock_offset;
  emit(started);

  fetch_signal_ = std::make_shared<asio::cancellation_signal>();
  auto on_done = [self = shared_from_this(), id, signal = fetch_signal_](error_code ec,
                                                                         fetch_result result) {
    self->on_fetch_done(id, ec, std::move(result));
  };
  fetch_(strand_, plan.clock_offset,
         asio::bind_cancellation_slot(fetch_signal_->slot(),
                                      asio::bind_executor(strand_, std::move(on_done))));
}

void provider_core::sync_timer() {
  reader_.set_refresh_active(fsm_.current_phase() != refresh_fsm::phase::idle);
  const std::optional<steady_time> wake = fsm_.next_wakeup();
  if (wake == timer_at_)
    return;
  timer_at_ = wake;
  const std::uint64_t id = ++timer_generation_;
  if (!wake) {
    timer_->cancel();
    return;
  }
  timer_->wait_until(*wake, [self = shared_from_this(), id](error_code ec) {
    if (!ec)
      self->on_timer(id);
  });
}

void provider_core::sync_wait_timer() {
  const std::optional<steady_time> oldest = waiters_->oldest();
  const std::optional<steady_time> wake =
      oldest ? std::optional<steady_time>(*oldest + max_wait_) : std::nullopt;
  if (wake == wait_timer_at_)
    return;
  wait_timer_at_ = wake;
  const std::uint64_t id = ++wait_timer_generation_;
  if (!wake) {
    wait_timer_->cancel();
    return;
  }
  wait_timer_->wait_until(*wake, [self = shared_from_this(), id](error_code ec) {
    if (!ec)
      self->on_wait_timer(id);
  });
}

std::shared_ptr<const access_token> provider_core::current_token() const {
  if (!current_)
    return nullptr;
  return std::shared_ptr<const access_token>(current_, &current_->token);
}

void provider_core::emit(const provider_event& event) {
  if (!options_.on_event)
    return;
  try {
    options_.on_event(event);
  } catch (...) {
    // An observer's failure must not break token delivery.
  }
}

}  // namespace here::oauth::detail

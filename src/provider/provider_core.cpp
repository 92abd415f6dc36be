#include "provider/provider_core.hpp"

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
using std::chrono::seconds;

namespace {

template <class Counter>
void bump(Counter& c) {
  c.value.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

provider_core::provider_core(asio::any_io_executor ex, fetch_function fetch,
                             provider_options options)
    : ex_(std::move(ex)),
      strand_(asio::make_strand(ex_)),
      fetch_(std::move(fetch)),
      options_(std::move(options)),
      random_(std::random_device{}()),
      fsm_(options_.refresh_ahead, options_.expiry_margin, options_.retry,
           [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }),
      timer_(clock_.make_timer(strand_)),
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
    const steady_time now = self->clock_.now();
    if (self->fsm_.usable(now) && self->fsm_.on_timer(now))
      self->launch_fetch();
    self->arm_timer();
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
  asio::post(strand_, [self = shared_from_this()] { self->on_cancel(); });
}

void provider_core::report_warnings(std::vector<std::string> warnings) {
  if (warnings.empty())
    return;
  asio::post(strand_, [self = shared_from_this(), warnings = std::move(warnings)] {
    for (const auto& text : warnings) {
      provider_event event;
      event.type = provider_event::kind::warning;
      event.details.message = text;
      event.clock_offset = self->clock_offset_;
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
  const auto decision = fsm_.on_demand(clock_.now());
  switch (decision.what) {
    case refresh_fsm::demand::serve:
      bump(strand_hits_);
      waiters_->complete(w, {}, current_token(), nullptr);
      break;
    case refresh_fsm::demand::wait:
      bump(waits_);
      waiters_->push_back(w);
      break;
    case refresh_fsm::demand::fail:
      waiters_->complete(w, last_error_ ? last_error_ : make_error_code(error::backing_off),
                         nullptr, last_details_);
      break;
  }
  if (decision.start_fetch) {
    launch_fetch();
    arm_timer();
  }
}

void provider_core::on_invalidate(const std::string& token_value) {
  if (!current_ || current_->token.value != token_value)
    return;
  current_.reset();
  reader_.publish(nullptr);
  if (fsm_.on_invalidated())
    launch_fetch();
  arm_timer();
}

void provider_core::on_cancel() {
  fsm_.on_cancelled();
  ++fetch_generation_;  // whatever the abandoned request returns is ignored
  if (fetch_signal_) {
    fetch_signal_->emit(asio::cancellation_type::terminal);
    fetch_signal_.reset();
  }
  ++timer_generation_;
  timer_->cancel();
  waiters_->complete_all(asio::error::operation_aborted, nullptr, nullptr);
  update_refresh_active();
}

void provider_core::launch_fetch() {
  const std::uint64_t id = ++fetch_generation_;
  fetch_started_ = clock_.now();
  bump(requests_);
  if (fsm_.attempt() > 1)
    bump(retries_);
  reader_.set_refresh_active(true);
  provider_event started;
  started.type = provider_event::kind::request_started;
  started.attempt = fsm_.attempt();
  started.clock_offset = clock_offset_;
  emit(started);

  fetch_signal_ = std::make_shared<asio::cancellation_signal>();
  auto on_done = [self = shared_from_this(), id, signal = fetch_signal_](error_code ec,
                                                                         fetch_result result) {
    self->on_fetch_done(id, ec, std::move(result));
  };
  fetch_(strand_, clock_offset_,
         asio::bind_cancellation_slot(fetch_signal_->slot(),
                                      asio::bind_executor(strand_, std::move(on_done))));
}

void provider_core::on_fetch_done(std::uint64_t id, error_code ec, fetch_result result) {
  if (id != fetch_generation_)
    return;  // abandoned by cancel()
  fetch_signal_.reset();
  const steady_time now = clock_.now();
  learn_clock_offset(result, ec == error::timestamp_rejected);

  provider_event event;
  event.attempt = fsm_.attempt();
  event.duration = duration_cast<milliseconds>(now - fetch_started_);
  refresh_fsm::fetch_decision decision;
  if (!ec) {
    decision = fsm_.on_fetch_succeeded(now, result.sent_at_steady,
                                       duration_cast<milliseconds>(result.expires_in));
    if (decision.adopt_token) {
      if (result.token.expires_at == std::chrono::system_clock::time_point{}) {
        result.token.expires_at = result.sent_at + result.expires_in;
      }
      const token_deadlines& d = *fsm_.deadlines();
      current_ = std::make_shared<token_snapshot>(token_snapshot{result.token, d.soft, d.hard});
      reader_.publish(current_);
    }
    if (decision.fail_waiters) {
      ec = make_error_code(error::malformed_response);
      result.details.message = "the token expired before its answer arrived (expires_in " +
                               std::to_string(result.expires_in.count()) + " s)";
    }
  } else {
    decision = fsm_.on_fetch_failed(now, classify_failure(ec),
                                    result.details.retry_after
                                        ? std::optional<milliseconds>(*result.details.retry_after)
                                        : std::nullopt);
  }

  if (ec) {
    bump(failures_);
    last_error_ = ec;
    last_details_ = std::make_shared<const error_details>(result.details);
    event.type = provider_event::kind::request_failed;
    event.error = ec;
    event.details = result.details;
    if (decision.retry_in)
      event.retry_in = *decision.retry_in;
    if (decision.start_fetch)
      event.retry_in = milliseconds(0);
  } else {
    event.type = provider_event::kind::request_succeeded;
    event.expires_at = result.token.expires_at;
    event.token_preview = redact_token(result.token.value);
  }
  event.clock_offset = clock_offset_;
  emit(event);

  if (decision.complete_waiters && current_)
    waiters_->complete_all({}, current_token(), nullptr);
  if (decision.fail_waiters)
    waiters_->complete_all(last_error_, nullptr, last_details_);
  if (decision.start_fetch)
    launch_fetch();
  arm_timer();
}

void provider_core::on_timer(std::uint64_t id) {
  if (id != timer_generation_)
    return;
  if (fsm_.on_timer(clock_.now()))
    launch_fetch();
  arm_timer();
}

void provider_core::arm_timer() {
  update_refresh_active();
  const auto wake = fsm_.next_wakeup();
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

void provider_core::update_refresh_active() {
  reader_.set_refresh_active(fsm_.current_phase() != refresh_fsm::phase::idle);
}

std::shared_ptr<const access_token> provider_core::current_token() const {
  if (!current_)
    return nullptr;
  return std::shared_ptr<const access_token>(current_, &current_->token);
}

void provider_core::learn_clock_offset(const fetch_result& result, bool rejected_timestamp) {
  if (!result.server_date || result.sent_at == std::chrono::system_clock::time_point{})
    return;
  // The server stamped its Date somewhere between sending and now: take the midpoint.
  const auto received = clock_.wall_now();
  const auto midpoint = result.sent_at + (received - result.sent_at) / 2;
  const auto measured = std::chrono::round<seconds>(*result.server_date - midpoint);
  // Date has a resolution of one second: small differences are noise, except when the server
  // has just told us our timestamp is wrong.
  if (rejected_timestamp || std::chrono::abs(measured - clock_offset_) >= seconds(5)) {
    clock_offset_ = measured;
  }
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

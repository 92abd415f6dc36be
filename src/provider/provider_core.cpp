#include "provider/provider_core.hpp"

#include <time.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>

namespace here::oauth::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

thread_local const error_details* completing = nullptr;

// Sets completing_details() for the duration of a handler call.
class completing_scope {
 public:
  explicit completing_scope(const error_details* details) : previous_(completing) {
    completing = details;
  }
  ~completing_scope() { completing = previous_; }
  completing_scope(const completing_scope&) = delete;
  completing_scope& operator=(const completing_scope&) = delete;

 private:
  const error_details* previous_;
};

// steady_clock::now() costs 20-40 ns on virtual machines (a TSC read and its scaling), more than
// the rest of a cache hit. The coarse monotonic clock costs a few ns and lags it by a few ms (a
// kernel tick or two). A hit long before the soft point (the usual case, for minutes) needs no
// more: when the coarse clock puts the soft point more than a second away, the precise clock
// would too (and the hard point is never before the soft one). Nearer, the precise clock decides.
#if defined(CLOCK_MONOTONIC_COARSE)
constexpr std::chrono::nanoseconds coarse_margin = std::chrono::seconds(1);

std::chrono::nanoseconds coarse_now() noexcept {
  timespec ts{};
  if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
    return std::chrono::nanoseconds::min();
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// Whether steady_clock counts from the coarse clock's origin (CLOCK_MONOTONIC on Linux), checked
// once: otherwise the shortcut is never taken.
bool coarse_clock_matches() {
  const auto before = std::chrono::steady_clock::now().time_since_epoch();
  const auto coarse = coarse_now();
  const auto after = std::chrono::steady_clock::now().time_since_epoch();
  return coarse <= after && before - coarse < coarse_margin / 4;
}
#endif

bool surely_before(steady_time deadline) noexcept {
#if defined(CLOCK_MONOTONIC_COARSE)
  static const bool usable = coarse_clock_matches();
  return usable && coarse_now() + coarse_margin < deadline.time_since_epoch();
#else
  (void)deadline;
  return false;
#endif
}

template <class Counter>
void bump(Counter& c) {
  c.value.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

const error_details* completing_details() noexcept {
  return completing;
}

provider_core::provider_core(asio::any_io_executor ex, fetch_function fetch,
                             provider_options options)
    : ex_(std::move(ex)),
      strand_(asio::make_strand(ex_)),
      fetch_(std::move(fetch)),
      options_(std::move(options)),
      random_(std::random_device{}()),
      fsm_(options_.refresh_ahead, options_.expiry_margin, options_.retry,
           [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }),
      timer_(strand_) {}

const token_snapshot* provider_core::hit() {
  published_token::hit_cell* cell = nullptr;
  const token_snapshot* snapshot = published_.load(&cell);
  if (snapshot == nullptr)
    return nullptr;
  if (surely_before(snapshot->soft)) {
    published_token::count_hit(*cell);
    return snapshot;
  }
  const steady_time now = std::chrono::steady_clock::now();
  if (now >= snapshot->hard)
    return nullptr;
  if (now >= snapshot->soft && !refresh_active_.load(std::memory_order_relaxed) &&
      !nudge_posted_.exchange(true, std::memory_order_relaxed)) {
    // Normally the timer has started the refresh already; this covers a timer that could not run
    // (a stalled io_context), without posting once per hit.
    asio::post(strand_, [self = shared_from_this()] {
      self->nudge_posted_.store(false, std::memory_order_relaxed);
      const steady_time now = std::chrono::steady_clock::now();
      if (self->fsm_.usable(now) && self->fsm_.on_timer(now))
        self->launch_fetch();
      self->arm_timer();
    });
  }
  published_token::count_hit(*cell);
  return snapshot;
}

std::optional<access_token> provider_core::try_hit() {
  if (const token_snapshot* snapshot = hit())
    return snapshot->token;
  return std::nullopt;
}

std::optional<access_token> provider_core::peek() const {
  const token_snapshot* snapshot = published_.load();
  if (snapshot == nullptr)
    return std::nullopt;
  if (!surely_before(snapshot->hard) && std::chrono::steady_clock::now() >= snapshot->hard)
    return std::nullopt;
  return snapshot->token;
}

void provider_core::enqueue(token_handler handler, error_details* details_out, bool track_work) {
  auto handler_ex = asio::get_associated_executor(handler, ex_);
  auto w = std::make_shared<waiter>(
      std::move(handler), details_out,
      track_work ? asio::any_completion_executor(
                       asio::prefer(handler_ex, asio::execution::outstanding_work.tracked))
                 : std::move(handler_ex));
  auto slot = asio::get_associated_cancellation_slot(w->handler);
  if (slot.is_connected()) {
    slot.assign(
        [weak_self = weak_from_this(), weak_w = std::weak_ptr<waiter>(w)](asio::cancellation_type) {
          // Removing a waiter has no side effect on the request, so every cancellation type is met.
          auto self = weak_self.lock();
          auto w = weak_w.lock();
          if (self && w)
            asio::post(self->strand_, [self, w] { self->on_cancel_waiter(w); });
        });
  }
  asio::post(strand_, [self = shared_from_this(), w = std::move(w)] { self->on_demand(w); });
}

void provider_core::invalidate(const access_token& rejected) {
  // Withdraw at once so no further hit hands out the rejected token; the strand does the rest.
  if (!published_.withdraw_if(rejected.value))
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
  s.cache_hits = published_.hits() + strand_hits_.value.load(std::memory_order_relaxed);
  s.requests = requests_.value.load(std::memory_order_relaxed);
  s.failures = failures_.value.load(std::memory_order_relaxed);
  s.retries = retries_.value.load(std::memory_order_relaxed);
  s.waits = waits_.value.load(std::memory_order_relaxed);
  return s;
}

void provider_core::on_demand(const waiter_ptr& w) {
  if (w->done)
    return;  // cancelled before it got here
  const auto decision = fsm_.on_demand(std::chrono::steady_clock::now());
  switch (decision.what) {
    case refresh_fsm::demand::serve:
      bump(strand_hits_);
      complete(w, {}, current_, nullptr);
      break;
    case refresh_fsm::demand::wait:
      bump(waits_);
      waiters_.push_back(w);
      w->queued = true;
      break;
    case refresh_fsm::demand::fail:
      complete(w, last_error_ ? last_error_ : make_error_code(error::backing_off), nullptr,
               last_details_);
      break;
  }
  if (decision.start_fetch) {
    launch_fetch();
    arm_timer();
  }
}

void provider_core::on_cancel_waiter(const waiter_ptr& w) {
  if (!w->done)
    complete(w, asio::error::operation_aborted, nullptr, nullptr);
}

void provider_core::on_invalidate(const std::string& token_value) {
  if (!current_ || current_->token.value != token_value)
    return;
  current_.reset();
  published_.publish(nullptr);
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
  timer_.cancel();
  complete_all(asio::error::operation_aborted, nullptr);
  update_refresh_active();
}

void provider_core::launch_fetch() {
  const std::uint64_t id = ++fetch_generation_;
  fetch_started_ = std::chrono::steady_clock::now();
  bump(requests_);
  if (fsm_.attempt() > 1)
    bump(retries_);
  refresh_active_.store(true, std::memory_order_relaxed);
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
  const steady_time now = std::chrono::steady_clock::now();
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
      published_.publish(current_);
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
    complete_all({}, nullptr);
  if (decision.fail_waiters)
    complete_all(last_error_, last_details_);
  if (decision.start_fetch)
    launch_fetch();
  arm_timer();
}

void provider_core::on_timer(std::uint64_t id) {
  if (id != timer_generation_)
    return;
  if (fsm_.on_timer(std::chrono::steady_clock::now()))
    launch_fetch();
  arm_timer();
}

void provider_core::arm_timer() {
  update_refresh_active();
  const auto wake = fsm_.next_wakeup();
  const std::uint64_t id = ++timer_generation_;
  if (!wake) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*wake);
  timer_.async_wait([self = shared_from_this(), id](error_code ec) {
    if (!ec)
      self->on_timer(id);
  });
}

void provider_core::update_refresh_active() {
  refresh_active_.store(fsm_.current_phase() != refresh_fsm::phase::idle,
                        std::memory_order_relaxed);
}

void provider_core::deliver(const waiter_ptr& w, error_code ec,
                            const std::shared_ptr<const token_snapshot>& snapshot,
                            const std::shared_ptr<const error_details>& details) {
  token_handler handler = std::move(w->handler);
  if (ec && w->details_out != nullptr && details)
    *w->details_out = *details;
  // Our cancellation handler must not outlive the operation.
  auto slot = asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected())
    slot.clear();
  const completing_scope scope(ec ? details.get() : nullptr);
  std::move(handler)(ec, ec || !snapshot ? access_token{} : snapshot->token);
}

void provider_core::complete(const waiter_ptr& w, error_code ec,
                             std::shared_ptr<const token_snapshot> snapshot,
                             std::shared_ptr<const error_details> details) {
  w->done = true;
  if (w->queued) {
    waiters_.remove(*w);  // the caller holds w
    w->queued = false;
  }
  // Never inline: posted to the handler's own executor (see post_to).
  auto run = [w, ec, snapshot = std::move(snapshot), details = std::move(details)] {
    deliver(w, ec, snapshot, details);
  };
  post_to(w->executor, ex_, std::move(run));
}

namespace {

/// Up to this many waiters with the same executor are completed by one posted job: posting each
/// alone cost an operation allocation and a queue lock per waiter (a herd of 100 000 took 84 ms to
/// start resuming). Batches stay small so that several threads running one executor still share
/// the work.
constexpr std::size_t completion_batch_size = 64;

}  // namespace

/// Completes a run of waiters in order, each as complete() would, on their (common) executor.
struct provider_core::completion_batch {
  std::vector<waiter_ptr> waiters;
  std::size_t next = 0;
  error_code ec;
  std::shared_ptr<const token_snapshot> snapshot;
  std::shared_ptr<const error_details> details;
  asio::any_completion_executor ex;
  asio::any_io_executor via;

  void operator()() {
    while (next < waiters.size()) {
      const waiter_ptr w = std::move(waiters[next++]);
      try {
        deliver(w, ec, snapshot, details);
      } catch (...) {
        // A handler's exception leaves run() as Asio lets it; the rest go on in a new job, as
        // separately posted completions would.
        if (next < waiters.size()) {
          const asio::any_completion_executor target = ex;
          const asio::any_io_executor through = via;
          post_to(target, through, std::move(*this));
        }
        throw;
      }
    }
  }
};

void provider_core::complete_all(error_code ec, std::shared_ptr<const error_details> details) {
  std::shared_ptr<const token_snapshot> snapshot = ec ? nullptr : current_;
  std::optional<completion_batch> batch;
  auto flush = [&] {
    if (!batch)
      return;
    const asio::any_completion_executor target = batch->ex;
    post_to(target, ex_, std::move(*batch));
    batch.reset();
  };
  while (waiter_ptr w = waiters_.pop_front()) {
    w->queued = false;
    w->done = true;
    if (batch && (batch->waiters.size() == completion_batch_size || !(batch->ex == w->executor)))
      flush();
    if (!batch) {
      batch.emplace(completion_batch{{}, 0, ec, snapshot, details, w->executor, ex_});
      batch->waiters.reserve(completion_batch_size);
    }
    batch->waiters.push_back(std::move(w));
  }
  flush();
}

void provider_core::learn_clock_offset(const fetch_result& result, bool rejected_timestamp) {
  if (!result.server_date || result.sent_at == std::chrono::system_clock::time_point{})
    return;
  // The server stamped its Date somewhere between sending and now: take the midpoint.
  const auto received = std::chrono::system_clock::now();
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

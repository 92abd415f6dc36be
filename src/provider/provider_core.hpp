#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider/published_token.hpp"
#include "provider/refresh_fsm.hpp"

namespace here::oauth::detail {

/// Starts one token request: the transport seen from the provider. The HTTPS one is
/// make_https_fetch's; tests and benchmarks script their own (provider_access).
using fetch_function =
    std::function<void(boost::asio::any_io_executor, std::chrono::seconds clock_offset, fetch_handler)>;

/// While a waiter's handler runs, the details of the error it completes with (null otherwise): how
/// token()'s completion turns them into a token_error without keeping a copy per waiter.
const error_details* completing_details() noexcept;

/// Runs f on ex (a handler's associated executor), never inside the calling function. Boost
/// 1.81's any_completion_executor cannot require blocking.never, so when its target is one of
/// Asio's own executors f is posted straight to that; any other executor is reached through `via`
/// (posted there, then dispatched to ex). Posting straight keeps completions on different threads
/// out of one shared queue, and does not need `via` to be running.
template <class F>
void post_to(const boost::asio::any_completion_executor& ex,
             const boost::asio::any_io_executor& via, F&& f) {
  namespace asio = boost::asio;
  using tracked_io = std::decay_t<decltype(asio::prefer(
      std::declval<asio::io_context::executor_type>(), asio::execution::outstanding_work.tracked))>;
  using tracked_pool =
      std::decay_t<decltype(asio::prefer(std::declval<asio::thread_pool::executor_type>(),
                                         asio::execution::outstanding_work.tracked))>;
  if (const auto* e = ex.target<asio::io_context::executor_type>())
    asio::post(*e, std::forward<F>(f));
  else if (const auto* e = ex.target<tracked_io>())
    asio::post(*e, std::forward<F>(f));
  else if (const auto* e = ex.target<asio::thread_pool::executor_type>())
    asio::post(*e, std::forward<F>(f));
  else if (const auto* e = ex.target<tracked_pool>())
    asio::post(*e, std::forward<F>(f));
  else if (const auto* e = ex.target<asio::strand<asio::io_context::executor_type>>())
    asio::post(*e, std::forward<F>(f));
  else if (const auto* e = ex.target<asio::strand<asio::any_io_executor>>())
    asio::post(*e, std::forward<F>(f));
  else
    asio::post(via, asio::bind_executor(ex, std::forward<F>(f)));
}

/// The provider's shared state. The decisions live in refresh_fsm; this class turns them into
/// I/O, timers and completions. Everything but the read path runs on one strand, so no lock is ever
/// held across I/O; the read path (published_token) takes no lock shared with other readers.
class provider_core : public std::enable_shared_from_this<provider_core> {
 public:
  provider_core(boost::asio::any_io_executor ex, fetch_function fetch,
                provider_options options);

  // Any thread.
  /// The cached snapshot if its token can be handed out now, else null; counts the hit and nudges
  /// a refresh past the soft point. The pointer stays valid until this thread's next hit(),
  /// try_hit() or peek() on this provider: copy what you need at once.
  const token_snapshot* hit();
  /// hit(), copied.
  std::optional<access_token> try_hit();
  /// Whether a snapshot is published at all (usable or not). Neither counts nor reads the clock.
  bool has_snapshot() const { return published_.load() != nullptr; }
  std::optional<access_token> peek() const;
  /// Queues a waiter. details_out (may be null) receives the error details just before the handler
  /// runs; they are also completing_details() while it runs. track_work: keep the handler's
  /// executor from running out of work while it waits; false when something else already does (a
  /// coroutine's co_spawn holds work on its executor).
  void enqueue(token_handler handler, error_details* details_out, bool track_work = true);
  void invalidate(const access_token& rejected);
  void cancel();
  /// Emits one provider_event::kind::warning per text, on the strand, before any other event.
  void report_warnings(std::vector<std::string> warnings);
  provider_stats stats() const;
  const boost::asio::any_io_executor& executor() const noexcept { return ex_; }

 private:
  struct waiter {
    // Built by construction only: Boost 1.81's any_completion_handler move assignment recurses
    // forever (fixed in 1.82), so a handler is never assigned.
    waiter(token_handler h, error_details* out, boost::asio::any_completion_executor ex)
        : handler(std::move(h)), details_out(out), executor(std::move(ex)) {}
    token_handler handler;
    error_details* details_out = nullptr;
    /// The handler's executor, learnt once (the handler's memory is cold when a herd completes).
    /// Tracked, so it does not run out of work while the handler waits, unless enqueue() was told
    /// something else keeps it busy.
    boost::asio::any_completion_executor executor;
    // waiter_queue's links; a queued waiter owns itself through `self`.
    waiter* prev = nullptr;
    waiter* next = nullptr;
    std::shared_ptr<waiter> self;
    bool queued = false;
    bool done = false;
  };
  using waiter_ptr = std::shared_ptr<waiter>;

  /// Waiters in arrival order, linked through the waiters themselves: no node to allocate, and
  /// one cache line fewer to touch per waiter when a herd is completed. Strand only.
  class waiter_queue {
   public:
    waiter_queue() = default;
    waiter_queue(const waiter_queue&) = delete;
    waiter_queue& operator=(const waiter_queue&) = delete;
    ~waiter_queue() {
      while (head_ != nullptr)
        remove(*head_);
    }
    void push_back(waiter_ptr w) {
      waiter* raw = w.get();
      raw->self = std::move(w);
      raw->prev = tail_;
      raw->next = nullptr;
      (tail_ != nullptr ? tail_->next : head_) = raw;
      tail_ = raw;
    }
    /// Unlinks a queued waiter and hands back the queue's reference to it.
    waiter_ptr remove(waiter& w) {
      (w.prev != nullptr ? w.prev->next : head_) = w.next;
      (w.next != nullptr ? w.next->prev : tail_) = w.prev;
      w.prev = nullptr;
      w.next = nullptr;
      return std::move(w.self);
    }
    waiter_ptr pop_front() { return head_ != nullptr ? remove(*head_) : nullptr; }

   private:
    waiter* head_ = nullptr;
    waiter* tail_ = nullptr;
  };

  // Strand only.
  void on_demand(const waiter_ptr& w);
  void on_cancel_waiter(const waiter_ptr& w);
  void on_invalidate(const std::string& token_value);
  void on_cancel();
  void launch_fetch();
  void on_fetch_done(std::uint64_t id, boost::system::error_code ec, fetch_result result);
  void on_timer(std::uint64_t id);
  void arm_timer();
  void complete(const waiter_ptr& w, boost::system::error_code ec,
                std::shared_ptr<const token_snapshot> snapshot,
                std::shared_ptr<const error_details> details);
  void complete_all(boost::system::error_code ec, std::shared_ptr<const error_details> details);
  /// Runs w's handler (on its executor, from a posted job).
  static void deliver(const waiter_ptr& w, boost::system::error_code ec,
                      const std::shared_ptr<const token_snapshot>& snapshot,
                      const std::shared_ptr<const error_details>& details);
  struct completion_batch;
  void learn_clock_offset(const fetch_result& result, bool rejected_timestamp);
  void emit(const provider_event& event);
  void update_refresh_active();

  boost::asio::any_io_executor ex_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  fetch_function fetch_;
  provider_options options_;

  // Strand only.
  std::mt19937_64 random_;
  refresh_fsm fsm_;
  boost::asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  std::uint64_t fetch_generation_ = 0;
  std::shared_ptr<boost::asio::cancellation_signal> fetch_signal_;
  steady_time fetch_started_{};
  waiter_queue waiters_;
  std::shared_ptr<const token_snapshot> current_;
  boost::system::error_code last_error_;
  std::shared_ptr<const error_details> last_details_;
  std::chrono::seconds clock_offset_{0};

  // Any thread.
  published_token published_;
  alignas(64) std::atomic<bool> refresh_active_{false};  // a refresh is running or scheduled
  std::atomic<bool> nudge_posted_{false};
  struct alignas(64) counter {
    std::atomic<std::uint64_t> value{0};
  };
  // Hits on the read path are counted per thread by published_; these are the strand's.
  counter strand_hits_, requests_, failures_, retries_, waits_;
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/token_provider.hpp>

#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// The callers waiting for a token, in arrival order (after async-mqtt5's async_mutex):
/// - each waiter is a type-erased handler (token_handler) with the executor it completes on;
/// - a waiter's cancellation slot (any cancellation type) removes that waiter alone and completes
///   it with operation_aborted;
/// - every completion is posted to the handler's own associated executor, never run inside the
///   call that completes it, and (unless told otherwise) the waiter keeps that executor's work
///   count up while it waits.
/// make() may be called from any thread; everything else runs on the strand given.
class waiter_list : public std::enable_shared_from_this<waiter_list> {
 public:
  struct waiter;
  using waiter_ptr = std::shared_ptr<waiter>;

  /// strand: where the list runs and cancellations are posted to. fallback: the executor of
  /// handlers without one of their own, and the way to executors post_to cannot reach directly.
  /// Own it through a shared_ptr (cancellation handlers hold weak references).
  waiter_list(boost::asio::any_io_executor fallback,
              boost::asio::strand<boost::asio::any_io_executor> strand);
  ~waiter_list();
  waiter_list(const waiter_list&) = delete;
  waiter_list& operator=(const waiter_list&) = delete;

  /// Any thread: wraps a handler and hooks up its cancellation slot. details_out (may be null)
  /// receives the error's details just before the handler runs. track_work: keep the handler's
  /// executor from running out of work while it waits; false when something else already does
  /// (a coroutine's co_spawn holds work on its executor).
  waiter_ptr make(token_handler handler, error_details* details_out, bool track_work = true);

  // Strand only.
  /// Whether w has been completed (e.g. cancelled before it was queued).
  static bool done(const waiter& w) noexcept;
  /// Queues w; queued_at (the strand's "now", so never decreasing) is when its wait began: the list
  /// stays in deadline order for a shared max_wait, and one timer for the oldest waiter suffices.
  void push_back(const waiter_ptr& w, steady_time queued_at = {});
  /// When the oldest queued waiter was queued, if any.
  std::optional<steady_time> oldest() const noexcept;
  /// Completes one waiter, queued or not: with the token (ec clear) or the error and its details.
  void complete(const waiter_ptr& w, boost::system::error_code ec,
                std::shared_ptr<const access_token> token,
                std::shared_ptr<const error_details> details);
  /// Completes every queued waiter in arrival order, as complete() would.
  void complete_all(boost::system::error_code ec, std::shared_ptr<const access_token> token,
                    std::shared_ptr<const error_details> details);
  /// Completes, as complete_all() would, the queued waiters queued at or before cutoff (the oldest
  /// ones); the others stay. Returns how many it completed.
  std::size_t complete_queued_until(steady_time cutoff, boost::system::error_code ec,
                                    std::shared_ptr<const error_details> details);
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  struct completion_batch;
  void on_cancelled(const waiter_ptr& w);
  static void deliver(const waiter_ptr& w, boost::system::error_code ec,
                      const std::shared_ptr<const access_token>& token,
                      const std::shared_ptr<const error_details>& details);
  waiter_ptr remove(waiter& w);
  std::size_t complete_front(const std::optional<steady_time>& cutoff, boost::system::error_code ec,
                             std::shared_ptr<const access_token> token,
                             std::shared_ptr<const error_details> details);

  boost::asio::any_io_executor fallback_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  // Linked through the waiters themselves: no node to allocate, and one cache line fewer to touch
  // per waiter when a herd is completed. A queued waiter owns itself (waiter::self).
  waiter* head_ = nullptr;
  waiter* tail_ = nullptr;
  std::size_t size_ = 0;
};

struct waiter_list::waiter {
  // Built by construction only, so a handler is never assigned: Boost 1.81's
  // any_completion_handler move assignment recurses forever (fixed in 1.82). Nothing needs a
  // BOOST_VERSION switch: construction is what a waiter wants with any Boost.
  waiter(token_handler h, error_details* out, boost::asio::any_completion_executor ex)
      : handler(std::move(h)), details_out(out), executor(std::move(ex)) {}
  token_handler handler;
  error_details* details_out = nullptr;
  /// The handler's executor, learnt once (the handler's memory is cold when a herd completes).
  boost::asio::any_completion_executor executor;
  waiter* prev = nullptr;
  waiter* next = nullptr;
  steady_time queued_at{};
  std::shared_ptr<waiter> self;
  bool queued = false;
  bool done = false;
};

inline bool waiter_list::done(const waiter& w) noexcept {
  return w.done;
}

}  // namespace here::oauth::detail

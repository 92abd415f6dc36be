// SPDX-License-Identifier: Apache-2.0
#include "provider/waiter_list.hpp"

#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "provider/completing_details.hpp"
#include "provider/post_to.hpp"

namespace here::oauth::detail {
namespace asio = boost::asio;
using boost::system::error_code;

waiter_list::waiter_list(asio::any_io_executor fallback, asio::strand<asio::any_io_executor> strand)
    : fallback_(std::move(fallback)), strand_(std::move(strand)) {}

waiter_list::~waiter_list() {
  while (head_ != nullptr)
    remove(*head_);
}

waiter_list::waiter_ptr waiter_list::make(token_handler handler, error_details* details_out,
                                          bool track_work) {
  auto handler_ex = asio::get_associated_executor(handler, fallback_);
  auto w = std::make_shared<waiter>(
      std::move(handler), details_out,
      track_work ? asio::any_completion_executor(
                       asio::prefer(handler_ex, asio::execution::outstanding_work.tracked))
                 : asio::any_completion_executor(std::move(handler_ex)));
  auto slot = asio::get_associated_cancellation_slot(w->handler);
  if (slot.is_connected()) {
    slot.assign(
        [weak_list = weak_from_this(), weak_w = std::weak_ptr<waiter>(w)](asio::cancellation_type) {
          // Removing a waiter has no side effect on the request, so every cancellation type is met.
          auto list = weak_list.lock();
          auto w = weak_w.lock();
          if (list && w)
            asio::post(list->strand_, [list, w] { list->on_cancelled(w); });
        });
  }
  return w;
}

void waiter_list::on_cancelled(const waiter_ptr& w) {
  if (!w->done)
    complete(w, asio::error::operation_aborted, nullptr, nullptr);
}

void waiter_list::push_back(const waiter_ptr& w, steady_time queued_at) {
  waiter* raw = w.get();
  raw->queued_at = queued_at;
  raw->self = w;
  raw->prev = tail_;
  raw->next = nullptr;
  (tail_ != nullptr ? tail_->next : head_) = raw;
  tail_ = raw;
  raw->queued = true;
  ++size_;
}

std::optional<steady_time> waiter_list::oldest() const noexcept {
  if (head_ == nullptr)
    return std::nullopt;
  return head_->queued_at;
}

waiter_list::waiter_ptr waiter_list::remove(waiter& w) {
  (w.prev != nullptr ? w.prev->next : head_) = w.next;
  (w.next != nullptr ? w.next->prev : tail_) = w.prev;
  w.prev = nullptr;
  w.next = nullptr;
  w.queued = false;
  --size_;
  return std::move(w.self);
}

void waiter_list::deliver(const waiter_ptr& w, error_code ec,
                          const std::shared_ptr<const access_token>& token,
                          const std::shared_ptr<const error_details>& details) {
  token_handler handler = std::move(w->handler);
  if (ec && w->details_out != nullptr && details)
    *w->details_out = *details;
  // Our cancellation handler must not outlive the operation.
  auto slot = asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected())
    slot.clear();
  const completing_scope scope(ec ? details.get() : nullptr);
  std::move(handler)(ec, ec || !token ? access_token{} : *token);
}

void waiter_list::complete(const waiter_ptr& w, error_code ec,
                           std::shared_ptr<const access_token> token,
                           std::shared_ptr<const error_details> details) {
  w->done = true;
  if (w->queued)
    remove(*w);  // the caller holds w
  auto run = [w, ec, token = std::move(token), details = std::move(details)] {
    deliver(w, ec, token, details);
  };
  post_to(w->executor, fallback_, std::move(run));
}

namespace {

/// Performance trick (batched completion): up to this many waiters with the same executor are
/// completed by one posted job. Posting each alone cost an operation allocation and a queue lock
/// per waiter: a herd of 100 000 took 84 ms before its first waiter resumed, 8 ms batched, and
/// 451 -> 72-83 ms to the last one with the intrusive list (docs/performance.md). Batches stay
/// small so that several threads running one executor still share the work.
constexpr std::size_t completion_batch_size = 64;

}  // namespace

/// Completes a run of waiters in order, each as complete() would, on their (common) executor.
struct waiter_list::completion_batch {
  std::vector<waiter_ptr> waiters;
  std::size_t next = 0;
  error_code ec;
  std::shared_ptr<const access_token> token;
  std::shared_ptr<const error_details> details;
  asio::any_completion_executor ex;
  asio::any_io_executor via;

  void operator()() {
    while (next < waiters.size()) {
      const waiter_ptr w = std::move(waiters[next++]);
      try {
        deliver(w, ec, token, details);
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

void waiter_list::complete_all(error_code ec, std::shared_ptr<const access_token> token,
                               std::shared_ptr<const error_details> details) {
  complete_front(std::nullopt, ec, std::move(token), std::move(details));
}

std::size_t waiter_list::complete_queued_until(steady_time cutoff, error_code ec,
                                               std::shared_ptr<const error_details> details) {
  return complete_front(cutoff, ec, nullptr, std::move(details));
}

std::size_t waiter_list::complete_front(const std::optional<steady_time>& cutoff, error_code ec,
                                        std::shared_ptr<const access_token> token,
                                        std::shared_ptr<const error_details> details) {
  if (ec)
    token.reset();
  std::size_t completed = 0;
  std::optional<completion_batch> batch;
  auto flush = [&] {
    if (!batch)
      return;
    const asio::any_completion_executor target = batch->ex;
    post_to(target, fallback_, std::move(*batch));
    batch.reset();
  };
  while (head_ != nullptr && (!cutoff || head_->queued_at <= *cutoff)) {
    waiter_ptr w = remove(*head_);
    w->done = true;
    ++completed;
    if (batch && (batch->waiters.size() == completion_batch_size || !(batch->ex == w->executor)))
      flush();
    if (!batch) {
      batch.emplace(completion_batch{{}, 0, ec, token, details, w->executor, fallback_});
      batch->waiters.reserve(completion_batch_size);
    }
    batch->waiters.push_back(std::move(w));
  }
  flush();
  return completed;
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>

#include "protocol/token_response.hpp"

namespace here::oauth::detail {

/// The caller's side of one token request, whatever moves its bytes: the handler and the work it
/// keeps on the handler's executor, its cancellation slot, and the result being filled. Used from
/// one strand only.
class fetch_completion {
 public:
  fetch_completion(boost::asio::any_io_executor io_ex, fetch_handler handler);

  /// Connects the handler's cancellation slot, when it has one: a terminal, partial or total
  /// cancellation posts on_cancel to strand (the emitter may be on any thread of the handler's
  /// executor). The operation then completes at once, with whatever was in flight abandoned.
  template <class Strand, class F>
  void on_cancellation(const Strand& strand, F on_cancel) {
    namespace asio = boost::asio;
    auto slot = asio::get_associated_cancellation_slot(handler_);
    if (!slot.is_connected())
      return;
    slot.assign([strand, on_cancel = std::move(on_cancel)](asio::cancellation_type type) {
      if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial |
                   asio::cancellation_type::total)) == asio::cancellation_type::none) {
        return;
      }
      asio::post(strand, on_cancel);
    });
  }

  bool done() const noexcept { return done_; }
  fetch_result& result() noexcept { return result_; }

  /// Completes the caller, once: disconnects the slot and hands (ec, result) with details to the
  /// handler through its associated executor (default: the I/O executor). Operations call it only
  /// from their strand's own jobs, so never inside an initiating function.
  void complete(boost::system::error_code ec, error_details details);

 private:
  boost::asio::any_io_executor io_ex_;
  fetch_handler handler_;
  boost::asio::any_completion_executor handler_work_;
  fetch_result result_;
  bool done_ = false;
};

/// What every token request operation (https_transport.cpp, custom_transport.cpp) shares: a strand
/// for all its steps, one deadline (request_timeout from construction) and the caller's
/// completion. start() hooks up the caller's cancellation and queues Derived::begin() once the
/// deadline is armed; the deadline and a cancellation call Derived::abort(reason), which completes
/// at once, whatever is in flight. Derived is made with std::make_shared and implements begin(),
/// abort(error_code) and complete(error_code, error_details) (which calls finish()).
template <class Derived>
class fetch_operation : public std::enable_shared_from_this<Derived> {
 public:
  /// Called once, in the initiating call: never completes inside it.
  void start() {
    namespace asio = boost::asio;
    caller_.on_cancellation(strand_, [weak = this->weak_from_this()] {
      if (auto self = weak.lock())
        self->abort(asio::error::operation_aborted);
    });
    asio::post(strand_, [self = this->shared_from_this()] {
      if (self->caller_.done())
        return;
      self->timer_.expires_at(self->deadline_);
      self->timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec)
          self->abort(error::timeout);
      });
      self->begin();
    });
  }

 protected:
  fetch_operation(boost::asio::any_io_executor ex, std::chrono::milliseconds timeout,
                  fetch_handler handler)
      : strand_(boost::asio::make_strand(ex)),
        timer_(strand_),
        deadline_(std::chrono::steady_clock::now() + timeout),
        caller_(std::move(ex), std::move(handler)) {}

  /// Completes with ec and details.message = message.
  void fail(boost::system::error_code ec, std::string message) {
    error_details details;
    details.message = std::move(message);
    static_cast<Derived*>(this)->complete(ec, std::move(details));
  }

  /// The last step of Derived::complete, which has stopped the deadline (timer_.cancel()) first:
  /// completes the caller.
  void finish(boost::system::error_code ec, error_details details) {
    caller_.complete(ec, std::move(details));
  }

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;  ///< the deadline; Derived may reuse it once complete
  std::chrono::steady_clock::time_point deadline_;
  fetch_completion caller_;
};

/// Interprets an answer (protocol/token_response) into result, whose sent_at must be set: token
/// (expires_at included), expires_in and server_date. Returns the error, and its details.
boost::system::error_code read_answer(const token_response_view& answer, fetch_result& result,
                                      error_details& details);

}  // namespace here::oauth::detail

#pragma once

#include <utility>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>

#include "protocol/token_response.hpp"

namespace here::oauth::detail {

/// The caller's side of one token request, whatever moves its bytes (https_transport.cpp,
/// custom_transport.cpp): the handler and the work it keeps on the handler's executor, its
/// cancellation slot, and the result being filled. Used from one strand only.
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

/// Interprets an answer (protocol/token_response) into result, whose sent_at must be set: token
/// (expires_at included), expires_in and server_date. Returns the error, and its details.
boost::system::error_code read_answer(const token_response_view& answer, fetch_result& result,
                                      error_details& details);

}  // namespace here::oauth::detail

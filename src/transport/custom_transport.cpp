// SPDX-License-Identifier: Apache-2.0
#include "transport/custom_transport.hpp"

#include <string>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>

#include "protocol/excerpt.hpp"
#include "protocol/token_request.hpp"
#include "transport/fetch_operation.hpp"

namespace here::oauth::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::steady_clock;
using std::chrono::system_clock;

/// The header block's size as it would be on the wire ("Name: value\r\n" per field), without the
/// status line: what max_response_header_bytes limits.
std::size_t header_bytes(const http_fields& fields) {
  std::size_t n = 0;
  for (const auto& [name, value] : fields)
    n += name.size() + 2 + value.size() + 2;
  return n;
}

class custom_fetch : public fetch_operation<custom_fetch> {
 public:
  custom_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
               std::chrono::seconds clock_offset, fetch_handler handler)
      : fetch_operation(ex, client->options().request_timeout, std::move(handler)),
        client_(std::move(client)),
        clock_offset_(clock_offset) {}

 private:
  friend class fetch_operation<custom_fetch>;

  /// On the strand, with the deadline armed.
  void begin() {
    http_request request;
    try {
      request = make_token_request(client_->target(), client_->signer(), client_->options(),
                                   clock_offset_);
    } catch (const std::exception& e) {
      return fail(error::invalid_endpoint_url,
                  "cannot sign the request to " + authority() + ": " + e.what());
    }
    caller_.result().sent_at = system_clock::now();
    caller_.result().sent_at_steady = steady_clock::now();

    // Whatever thread the transport completes on, and even inside its own call, the answer is
    // posted to the strand: the caller is never completed inline, and state is touched by the
    // strand only.
    auto on_answer = [self = shared_from_this()](error_code ec, http_response response) {
      asio::post(self->strand_, [self, ec, response = std::move(response)]() mutable {
        self->on_answer(ec, std::move(response));
      });
    };
    http_transport_handler handler(asio::bind_cancellation_slot(
        cancel_transport_.slot(), asio::bind_executor(strand_, std::move(on_answer))));
    try {
      client_->options().transport(strand_, std::move(request), std::move(handler));
    } catch (const std::exception& e) {
      fail(
          make_error_code(boost::system::errc::io_error),
          "the custom transport threw for " + authority() + ": " + sanitize_excerpt(e.what(), 200));
    }
  }

  void on_answer(error_code ec, http_response response) {
    if (caller_.done())
      return;  // timed out or cancelled meanwhile
    if (ec)
      return fail(ec, "the custom transport failed for " + authority() + ": " + ec.message());
    const request_options& options = client_->options();
    if (header_bytes(response.headers) > options.max_response_header_bytes) {
      return fail(error::response_too_large, "the response header from " + authority() +
                                                 " exceeds max_response_header_bytes (" +
                                                 std::to_string(options.max_response_header_bytes) +
                                                 ")");
    }
    if (response.body.size() > options.max_response_body_bytes) {
      return fail(error::response_too_large,
                  "the response body from " + authority() + " exceeds max_response_body_bytes (" +
                      std::to_string(options.max_response_body_bytes) + ")");
    }
    error_details details;
    const error_code answer_ec = read_answer(view_of(response), caller_.result(), details);
    complete(answer_ec, std::move(details));
  }

  /// The deadline passed or the caller cancelled: completes at once, then tells the transport.
  void abort(error_code reason) {
    if (caller_.done())
      return;
    fail(reason, (reason == error::timeout ? "timed out waiting for the custom transport's answer"
                                           : "cancelled while waiting for the custom transport's "
                                             "answer") +
                     std::string(" from ") + authority());
    cancel_transport_.emit(asio::cancellation_type::terminal);
  }

  void complete(error_code ec, error_details details) {
    if (caller_.done())
      return;
    timer_.cancel();
    finish(ec, std::move(details));
  }

  std::string authority() const { return client_->target().authority(); }

  std::shared_ptr<token_client> client_;
  std::chrono::seconds clock_offset_;
  /// Lives as long as the transport holds the handler (which holds this operation): the slot the
  /// transport may have connected never dangles.
  asio::cancellation_signal cancel_transport_;
};

}  // namespace

void start_custom_fetch(std::shared_ptr<token_client> client, asio::any_io_executor ex,
                        std::chrono::seconds clock_offset, fetch_handler handler) {
  auto op = std::make_shared<custom_fetch>(std::move(client), std::move(ex), clock_offset,
                                           std::move(handler));
  op->start();
}

}  // namespace here::oauth::detail

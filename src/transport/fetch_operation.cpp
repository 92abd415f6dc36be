// SPDX-License-Identifier: Apache-2.0
#include "transport/fetch_operation.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>

namespace here::oauth::detail {
namespace asio = boost::asio;

fetch_completion::fetch_completion(asio::any_io_executor io_ex, fetch_handler handler)
    : io_ex_(std::move(io_ex)),
      handler_(std::move(handler)),
      handler_work_(asio::prefer(asio::get_associated_executor(handler_, io_ex_),
                                 asio::execution::outstanding_work.tracked)) {}

void fetch_completion::complete(boost::system::error_code ec, error_details details) {
  if (done_)
    return;
  done_ = true;
  result_.details = std::move(details);
  auto slot = asio::get_associated_cancellation_slot(handler_);
  if (slot.is_connected())
    slot.clear();
  auto work = std::move(handler_work_);
  asio::dispatch(io_ex_, asio::append(std::move(handler_), ec, std::move(result_)));
}

boost::system::error_code read_answer(const token_response_view& answer, fetch_result& result,
                                      error_details& details) {
  parsed_token_response parsed = parse_token_response(answer, result.sent_at);
  result.token = std::move(parsed.token);
  result.expires_in = parsed.expires_in;
  result.server_date = parsed.server_date;
  details = std::move(parsed.details);
  return parsed.ec;
}

}  // namespace here::oauth::detail

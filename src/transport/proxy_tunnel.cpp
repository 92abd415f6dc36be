// SPDX-License-Identifier: Apache-2.0
#include "transport/proxy_tunnel.hpp"

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "protocol/excerpt.hpp"

namespace here::oauth::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// The operation's state at a stable address: Beast reads and writes in place while the operation
// object itself moves from one intermediate handler to the next.
struct tunnel_state {
  std::optional<http::request<http::empty_body>> connect;  ///< holds the proxy credentials
  http::response_parser<http::empty_body> answer;
  std::string proxy;   ///< "proxy host:port", for messages
  std::string target;  ///< "host:port"
};

class open_tunnel_op : public asio::coroutine {
 public:
  open_tunnel_op(tcp::socket& socket, beast::flat_buffer& buffer, const tunnel_request& request)
      : socket_(socket), buffer_(buffer), state_(std::make_unique<tunnel_state>()) {
    tunnel_state& s = *state_;
    s.proxy = "proxy " + request.proxy->authority();
    s.target = request.target->authority();
    s.connect.emplace(http::verb::connect, s.target, 11);
    s.connect->set(http::field::host, s.target);
    s.connect->set(http::field::user_agent, request.user_agent);
    const secret_string& authorization = request.proxy->authorization;
    if (!authorization.empty())
      s.connect->set(http::field::proxy_authorization, authorization.reveal());
    s.answer.skip(true);  // a CONNECT answer has no body
    s.answer.header_limit(static_cast<std::uint32_t>(request.max_header_bytes));
  }

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
    tunnel_state& s = *state_;
    BOOST_ASIO_CORO_REENTER(*this) {
      BOOST_ASIO_CORO_YIELD http::async_write(socket_, *s.connect, std::move(self));
      s.connect.reset();
      if (ec) {
        return self.complete(ec, failure("opening a tunnel to " + s.target + " through " + s.proxy +
                                         " failed: " + ec.message()));
      }
      BOOST_ASIO_CORO_YIELD http::async_read(socket_, buffer_, s.answer, std::move(self));
      if (ec) {
        return self.complete(error::proxy_error, failure(s.proxy + " broke the CONNECT to " +
                                                         s.target + ": " + ec.message()));
      }
      return complete_with_answer(self);
    }
  }

 private:
  static error_details failure(std::string message) {
    error_details details;
    details.message = std::move(message);
    return details;
  }

  template <class Self>
  void complete_with_answer(Self& self) {
    const tunnel_state& s = *state_;
    const auto& answer = s.answer.get();
    const unsigned status = answer.result_int();
    if (status < 200 || status > 299) {
      error_details details;
      details.http_status = status;
      details.message = s.proxy + " refused CONNECT to " + s.target + ": " + std::to_string(status);
      std::string reason = sanitize_excerpt(answer.reason(), 80);
      if (!reason.empty())
        details.message += " " + reason;
      return self.complete(error::proxy_error, std::move(details));
    }
    if (buffer_.size() != 0) {
      return self.complete(error::proxy_error,
                           failure(s.proxy + " sent data after accepting CONNECT to " + s.target));
    }
    self.complete(error_code{}, error_details{});
  }

  tcp::socket& socket_;
  beast::flat_buffer& buffer_;
  std::unique_ptr<tunnel_state> state_;
};

// The type-erased handler with the socket's executor as its own. Asio's any_completion_executor
// (a type-erased handler's executor; 1.81 and later releases alike) cannot require blocking.never,
// which Beast's read asks of the operation's executor when it posts; the handler itself still
// completes through its associated executor, reached by dispatch from the socket's.
class io_bound_handler {
 public:
  io_bound_handler(tunnel_handler handler, asio::any_io_executor ex)
      : handler_(std::move(handler)), ex_(std::move(ex)) {}

  using executor_type = asio::any_io_executor;
  executor_type get_executor() const noexcept { return ex_; }
  using cancellation_slot_type = asio::cancellation_slot;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return handler_.get_cancellation_slot();
  }

  void operator()(error_code ec, error_details details) {
    asio::dispatch(ex_, asio::append(std::move(handler_), ec, std::move(details)));
  }

 private:
  tunnel_handler handler_;
  asio::any_io_executor ex_;
};

}  // namespace

void async_open_tunnel_impl(tcp::socket& socket, beast::flat_buffer& buffer,
                            const tunnel_request& request, tunnel_handler handler) {
  // The first step is a write: the handler never runs inside this call.
  io_bound_handler bound(std::move(handler), socket.get_executor());
  asio::async_compose<io_bound_handler, tunnel_signature>(open_tunnel_op(socket, buffer, request),
                                                          bound, socket);
}

}  // namespace here::oauth::detail

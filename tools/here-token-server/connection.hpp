// SPDX-License-Identifier: Apache-2.0
#pragma once

// One accepted connection of the local token server, TLS or plain, behind one interface so that
// the session coroutine (session.cpp) reads, writes and closes without caring which. The session
// owns it; close() is called on the connection's strand.

#include <cstddef>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace here::oauth::test_support {

/// use_awaitable that stores the error in ec instead of throwing.
inline auto with_ec(boost::system::error_code& ec) {
  return boost::asio::redirect_error(boost::asio::use_awaitable, ec);
}

class connection : public std::enable_shared_from_this<connection> {
 public:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;

  explicit connection(const tcp::socket::executor_type& executor) : timer(executor) {}
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  virtual boost::asio::awaitable<void> handshake(error_code& ec) = 0;
  virtual boost::asio::awaitable<std::size_t> read_some(boost::asio::mutable_buffer buffer,
                                                        error_code& ec) = 0;
  virtual boost::asio::awaitable<void> write(boost::asio::const_buffer buffer, error_code& ec) = 0;
  /// Ends the stream politely (TLS close_notify, TCP FIN) without waiting forever.
  virtual boost::asio::awaitable<void> shutdown() = 0;
  virtual tcp::socket& socket() = 0;

  /// Closes at once: pending operations complete with an error. Call on the strand.
  void close();

  /// For delays, trickled bytes and the shutdown bound; cancelled by close().
  boost::asio::steady_timer timer;
  bool closed = false;
};

/// http:// (server_options::plain_http).
std::shared_ptr<connection> make_plain_connection(connection::tcp::socket socket);
/// https://, with the server's certificate in context.
std::shared_ptr<connection> make_tls_connection(connection::tcp::socket socket,
                                                boost::asio::ssl::context& context);

}  // namespace here::oauth::test_support

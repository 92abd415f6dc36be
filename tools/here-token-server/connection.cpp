// SPDX-License-Identifier: Apache-2.0
#include "connection.hpp"

#include <chrono>
#include <utility>

#include <boost/asio/write.hpp>

namespace here::oauth::test_support {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

class plain_connection final : public connection {
 public:
  explicit plain_connection(tcp::socket socket)
      : connection(socket.get_executor()), socket_(std::move(socket)) {}

  asio::awaitable<void> handshake(error_code&) override { co_return; }
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, error_code& ec) override {
    co_return co_await socket_.async_read_some(buffer, with_ec(ec));
  }
  asio::awaitable<void> write(asio::const_buffer buffer, error_code& ec) override {
    co_await asio::async_write(socket_, buffer, with_ec(ec));
  }
  asio::awaitable<void> shutdown() override {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  tcp::socket& socket() override { return socket_; }

 private:
  tcp::socket socket_;
};

class tls_connection final : public connection {
 public:
  tls_connection(tcp::socket socket, ssl::context& context)
      : connection(socket.get_executor()), stream_(std::move(socket), context) {}

  asio::awaitable<void> handshake(error_code& ec) override {
    co_await stream_.async_handshake(ssl::stream_base::server, with_ec(ec));
  }
  asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, error_code& ec) override {
    co_return co_await stream_.async_read_some(buffer, with_ec(ec));
  }
  asio::awaitable<void> write(asio::const_buffer buffer, error_code& ec) override {
    co_await asio::async_write(stream_, buffer, with_ec(ec));
  }
  asio::awaitable<void> shutdown() override {
    // close_notify, then wait (at most a second) for the client's close_notify or EOF.
    timer.expires_after(1s);
    timer.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec && !self->closed)
        self->close();
    });
    error_code ignored;
    co_await stream_.async_shutdown(with_ec(ignored));
    timer.cancel();
  }
  tcp::socket& socket() override { return stream_.next_layer(); }

 private:
  ssl::stream<tcp::socket> stream_;
};

}  // namespace

void connection::close() {
  closed = true;
  error_code ignored;
  timer.cancel();
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

std::shared_ptr<connection> make_plain_connection(connection::tcp::socket socket) {
  return std::make_shared<plain_connection>(std::move(socket));
}

std::shared_ptr<connection> make_tls_connection(connection::tcp::socket socket,
                                                boost::asio::ssl::context& context) {
  return std::make_shared<tls_connection>(std::move(socket), context);
}

}  // namespace here::oauth::test_support

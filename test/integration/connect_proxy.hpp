// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small HTTP CONNECT proxy on loopback for the integration tests: it tunnels to loopback
// targets only, can demand Basic credentials (407) or refuse every tunnel (e.g. 403), and records
// what clients asked for. It runs on its own io_context and thread; its accessors are thread-safe.

#include <array>
#include <cctype>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace here::oauth::test_support {

struct connect_proxy_options {
  /// When not empty, a CONNECT must carry exactly this Proxy-Authorization value ("Basic ...");
  /// otherwise the proxy answers 407 with Proxy-Authenticate.
  std::string required_authorization;
  /// When not 0, every CONNECT is answered with this status (e.g. 403) and no tunnel.
  unsigned refuse_status = 0;
};

class connect_proxy {
 public:
  explicit connect_proxy(connect_proxy_options options = {})
      : options_(std::move(options)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(ioc_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~connect_proxy() {
    ioc_.stop();
    thread_.join();
  }

  connect_proxy(const connect_proxy&) = delete;
  connect_proxy& operator=(const connect_proxy&) = delete;

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  /// "http://127.0.0.1:PORT"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  /// "http://user:password@127.0.0.1:PORT" (user and password must not need escaping)
  std::string url_with(std::string_view user, std::string_view password) const {
    return "http://" + std::string(user) + ":" + std::string(password) +
           "@127.0.0.1:" + std::to_string(port());
  }

  /// The targets of every CONNECT received ("host:port"), in order.
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  /// The Proxy-Authorization value of every CONNECT ("" when none was sent), in order.
  std::vector<std::string> authorizations() const {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }
  /// Tunnels opened (200 answered).
  std::size_t tunnels() const {
    std::lock_guard lock(mutex_);
    return tunnels_;
  }

 private:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket client = co_await acceptor_.async_accept(
          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec)
        co_return;
      boost::asio::co_spawn(ioc_, serve(std::move(client)), boost::asio::detached);
    }
  }

  static std::string header_value(std::string_view head, std::string_view name) {
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
      const std::size_t start = pos + 2;
      const std::size_t end = head.find("\r\n", start);
      std::string_view line = head.substr(start, end - start);
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos && colon == name.size()) {
        bool same = true;
        for (std::size_t i = 0; i < colon; ++i) {
          same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                             std::tolower(static_cast<unsigned char>(name[i]));
        }
        if (same) {
          std::string_view value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
          return std::string(value);
        }
      }
      pos = end;
    }
    return {};
  }

  static boost::asio::awaitable<void> answer(tcp::socket& socket, std::string text) {
    error_code ec;
    co_await boost::asio::async_write(socket, boost::asio::buffer(text),
                                      boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    socket.close(ec);
  }

  boost::asio::awaitable<void> serve(tcp::socket client) {
    error_code ec;
    std::string buffer;
    const std::size_t head_size = co_await boost::asio::async_read_until(
        client, boost::asio::dynamic_buffer(buffer, 16 * 1024), "\r\n\r\n",
        boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec)
      co_return;
    const std::string head = buffer.substr(0, head_size);
    buffer.erase(0, head_size);

    // "CONNECT host:port HTTP/1.1"
    const std::size_t first_space = head.find(' ');
    const std::size_t second_space = head.find(' ', first_space + 1);
    const std::string method = head.substr(0, first_space);
    const std::string target = head.substr(first_space + 1, second_space - first_space - 1);
    const std::string authorization = header_value(head, "Proxy-Authorization");
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(target);
      authorizations_.push_back(authorization);
    }
    if (method != "CONNECT") {
      co_await answer(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
      co_return;
    }
    if (options_.refuse_status != 0) {
      co_await answer(client, "HTTP/1.1 " + std::to_string(options_.refuse_status) +
                                  " Forbidden\r\nContent-Type: text/plain\r\nContent-Length: "
                                  "9\r\nConnection: close\r\n\r\nForbidden");
      co_return;
    }
    if (!options_.required_authorization.empty() &&
        authorization != options_.required_authorization) {
      co_await answer(client,
                      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                      "realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      co_return;
    }

    // Loopback targets only: "127.0.0.1:P", "[::1]:P" or "localhost:P".
    const std::size_t colon = target.rfind(':');
    std::string host = target.substr(0, colon);
    const std::string port = target.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[')
      host = host.substr(1, host.size() - 2);
    if (host != "127.0.0.1" && host != "::1" && host != "localhost") {
      co_await answer(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      co_return;
    }
    tcp::resolver resolver(ioc_);
    auto results = co_await resolver.async_resolve(
        host, port, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    tcp::socket upstream(ioc_);
    if (!ec) {
      co_await boost::asio::async_connect(
          upstream, results, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    if (ec) {
      co_await answer(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      co_return;
    }
    const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await boost::asio::async_write(client, boost::asio::buffer(established),
                                      boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec)
      co_return;
    {
      std::lock_guard lock(mutex_);
      ++tunnels_;
    }
    if (!buffer.empty()) {
      co_await boost::asio::async_write(
          upstream, boost::asio::buffer(buffer),
          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec)
        co_return;
    }
    auto shared_client = std::make_shared<tcp::socket>(std::move(client));
    auto shared_upstream = std::make_shared<tcp::socket>(std::move(upstream));
    boost::asio::co_spawn(ioc_, relay(shared_client, shared_upstream), boost::asio::detached);
    boost::asio::co_spawn(ioc_, relay(shared_upstream, shared_client), boost::asio::detached);
  }

  /// Copies from one socket to the other until either side ends, then ends the other's writing.
  static boost::asio::awaitable<void> relay(std::shared_ptr<tcp::socket> from,
                                            std::shared_ptr<tcp::socket> to) {
    std::array<char, 16 * 1024> data{};
    error_code ec;
    for (;;) {
      const std::size_t n = co_await from->async_read_some(
          boost::asio::buffer(data), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec)
        break;
      co_await boost::asio::async_write(
          *to, boost::asio::buffer(data.data(), n),
          boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec)
        break;
    }
    to->shutdown(tcp::socket::shutdown_send, ec);
    from->shutdown(tcp::socket::shutdown_receive, ec);
  }

  connect_proxy_options options_;
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<std::string> authorizations_;
  std::size_t tunnels_ = 0;
};

}  // namespace here::oauth::test_support

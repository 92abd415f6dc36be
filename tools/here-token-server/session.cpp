// SPDX-License-Identifier: Apache-2.0
// The local token server's network side: the accept loop and one coroutine per connection, which
// reads requests with Beast's parser and answers each as its script says (faults.hpp) or as the
// token endpoint decides (token_endpoint.hpp), writing raw bytes (wire_response.hpp).

#include <array>
#include <exception>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/error.hpp>

#include "here_answers.hpp"
#include "server_impl.hpp"

namespace here::oauth::test_support {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using namespace std::chrono_literals;

}  // namespace

asio::awaitable<void> local_token_server::impl::accept_loop() {
  for (;;) {
    error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(io), with_ec(ec));
    if (!acceptor.is_open())
      co_return;
    if (ec) {
      // E.g. out of file descriptors: try again a little later instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), 10ms);
      co_await pause.async_wait(with_ec(ec));
      continue;
    }
    start_session(std::move(socket));
  }
}

void local_token_server::impl::start_session(tcp::socket socket) {
  std::shared_ptr<connection> conn =
      tls ? make_tls_connection(std::move(socket), *tls) : make_plain_connection(std::move(socket));
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex);
    if (stopping)
      return;  // the socket closes as conn goes away
    id = next_id++;
    live.emplace(id, conn);
    ++connections_accepted;
  }
  auto executor = conn->socket().get_executor();
  asio::co_spawn(executor, session(std::move(conn), id), [](std::exception_ptr e) {
    if (!e)
      return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "here-token-server: a connection failed: " << x.what() << '\n';
    }
  });
}

asio::awaitable<void> local_token_server::impl::session(std::shared_ptr<connection> conn,
                                                        std::uint64_t id) {
  struct unregister {
    impl& self;
    std::uint64_t id;
    ~unregister() {
      std::lock_guard lock(self.mutex);
      self.live.erase(id);
      if (self.live.empty())
        self.finished.notify_all();
    }
  } guard{*this, id};

  error_code ec;
  co_await conn->handshake(ec);
  if (ec || conn->closed) {
    conn->close();
    co_return;
  }
  boost::beast::flat_buffer buffer;
  for (;;) {
    http_parser parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    const read_result got = co_await read_request(*conn, buffer, parser);
    if (got == read_result::closed || conn->closed)
      break;
    if (got == read_result::bad) {
      // Unparsable HTTP: counted as a request, answered with 400 and the connection closed.
      note_bad_request();
      wire_response bad;
      bad.status = 400;
      bad.body = here_error_body(400, "400200", "Received invalid data: malformed HTTP request.");
      bad.close = true;
      if (co_await send(*conn, bad))
        co_await conn->shutdown();
      break;
    }
    const bool keep_alive = co_await respond(*conn, parser.get());
    if (conn->closed)
      break;
    if (!keep_alive) {
      co_await conn->shutdown();
      break;
    }
  }
  conn->close();
}

asio::awaitable<local_token_server::impl::read_result> local_token_server::impl::read_request(
    connection& conn, boost::beast::flat_buffer& buffer, http_parser& parser) {
  for (;;) {
    if (buffer.size() != 0) {
      error_code ec;
      const std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (parser.is_done())
        co_return read_result::request;
      if (ec && ec != http::error::need_more)
        co_return read_result::bad;
      if (!ec && used != 0)
        continue;  // progress: let the parser look at the rest
    }
    error_code ec;
    const std::size_t n = co_await conn.read_some(buffer.prepare(16 * 1024), ec);
    buffer.commit(n);
    // EOF (or a reset) between requests ends the connection; in the middle of one there is no
    // one left to answer either.
    if (ec || conn.closed)
      co_return read_result::closed;
  }
}

asio::awaitable<bool> local_token_server::impl::send(connection& conn,
                                                     const wire_response& response,
                                                     std::chrono::milliseconds per_byte) {
  const std::string bytes = serialize(response, date());
  error_code ec;
  if (per_byte <= 0ms) {
    co_await conn.write(asio::buffer(bytes), ec);
    co_return !ec && !conn.closed;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    co_await conn.write(asio::buffer(bytes.data() + i, 1), ec);
    if (ec || conn.closed)
      co_return false;
    if (i + 1 == bytes.size())
      break;
    conn.timer.expires_after(per_byte);
    co_await conn.timer.async_wait(with_ec(ec));
    if (ec || conn.closed)
      co_return false;
  }
  co_return true;
}

// GCC 12 takes Asio 1.81's coroutine frame allocation (aligned_alloc inlined into the frame's
// operator new) and its sized operator delete for a mismatched pair when it inlines them into this
// coroutine: a known false positive (GCC PR middle-end/109224), silenced for this function only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
asio::awaitable<bool> local_token_server::impl::respond(connection& conn,
                                                        const http_request& request) {
  scripted_reply script = begin_request(request);
  struct in_flight_guard {
    impl& self;
    ~in_flight_guard() { self.end_request(); }
  } guard{*this};
  const bool keep_alive = request.keep_alive();
  error_code ec;

  wire_response response;
  std::chrono::milliseconds per_byte{0};
  switch (script.what) {
    case fault::hang: {
      // Never answer. Whatever else arrives is ignored until the client or the server closes.
      std::array<char, 4096> scratch{};
      while (!ec && !conn.closed)
        co_await conn.read_some(asio::buffer(scratch), ec);
      co_return false;
    }
    case fault::close_before_response:
      conn.close();
      co_return false;
    case fault::close_mid_response: {
      const std::string bytes = cut_token_answer();
      co_await conn.write(asio::buffer(bytes), ec);
      conn.close();
      co_return false;
    }
    case fault::delay:
      conn.timer.expires_after(script.delay);
      co_await conn.timer.async_wait(with_ec(ec));
      if (ec || conn.closed)
        co_return false;
      response = normal_answer(request, script);
      break;
    case fault::trickle:
      response = normal_answer(request, script);
      per_byte = script.delay;
      break;
    case fault::none:
      response = normal_answer(request, script);
      break;
    case fault::status:
    case fault::rate_limited:
    case fault::malformed_json:
    case fault::non_json_body:
    case fault::oversized_body:
    case fault::missing_fields:
    case fault::redirect:
      response = canned_reply(script);
      break;
  }
  response.close = !keep_alive;
  response.headers.insert(response.headers.end(), script.headers.begin(), script.headers.end());
  response.interim = script.interim;
  const bool sent = co_await send(conn, response, per_byte);
  co_return sent&& keep_alive;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace here::oauth::test_support

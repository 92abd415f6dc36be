// SPDX-License-Identifier: Apache-2.0
// A long-running HTTP service whose request handlers share one token_provider on a
// multi-threaded io_context.
//
// Shows:
// - one provider per (credentials, scope) for the whole process, created once, shared by every
//   connection and thread; no lock of yours around it;
// - handlers that `co_await provider.token()` per request: a cache hit (no I/O, no shared lock)
//   almost always; after start-up the proactive timer keeps the token fresh, so no handler
//   waits for a refresh;
// - a token failure answered as 502 with HERE's errorCode, and never a secret or whole token;
// - a clean stop on SIGINT/SIGTERM: cancel() the provider, close the acceptor.
//
// Usage:
//   example_http_service [--port N] [--threads N] [--ca-file PEM]
//   curl http://127.0.0.1:8080/token    # {"token":"eyJhbGci...(900 chars)","expires_at":...}
// Credentials come from the default chain. Where your handler calls a HERE API, put
// token.authorization_header() in its Authorization header (see minimal_coroutine.cpp).

#include <charconv>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <here/oauth.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::string json_response_for(const here::oauth::access_token& token,
                              const here::oauth::provider_stats& stats) {
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(
      token.expires_at - std::chrono::system_clock::now());
  return "{\"token\":\"" + here::oauth::redact_token(token.value) +
         "\",\"expires_in\":" + std::to_string(left.count()) +
         ",\"requests\":" + std::to_string(stats.requests) +
         ",\"cache_hits\":" + std::to_string(stats.cache_hits) +
         ",\"waits\":" + std::to_string(stats.waits) + "}\n";
}

// One connection: keep-alive requests, one at a time.
asio::awaitable<void> serve(tcp::socket socket, here::oauth::token_provider& provider) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    for (;;) {
      stream.expires_after(std::chrono::seconds(60));
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, asio::use_awaitable);

      http::response<http::string_body> response(http::status::ok, request.version());
      response.set(http::field::content_type, "application/json");
      response.keep_alive(request.keep_alive());
      if (request.method() == http::verb::get && request.target() == "/token") {
        try {
          // Shared by every handler on every thread. Only this coroutine is suspended if it
          // has to wait; the thread serves other connections meanwhile.
          const here::oauth::access_token token = co_await provider.token();
          response.body() = json_response_for(token, provider.stats());
        } catch (const here::oauth::token_error& e) {
          response.result(http::status::bad_gateway);
          response.body() = "{\"error\":\"" + e.code().message() + "\",\"errorCode\":\"" +
                            e.details().error_code + "\"}\n";
        }
      } else {
        response.result(http::status::not_found);
        response.body() = "{\"error\":\"try GET /token\"}\n";
      }
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::use_awaitable);
      if (!response.keep_alive())
        break;
    }
  } catch (const boost::system::system_error&) {
    // The client went away or timed out: nothing to report.
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::any_io_executor io_executor,
                             here::oauth::token_provider& provider) {
  for (;;) {
    // Each connection gets its own strand: its handlers never run concurrently with themselves,
    // while different connections run on different threads.
    tcp::socket socket(asio::make_strand(io_executor));
    auto [ec] = co_await acceptor.async_accept(socket, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted)
      co_return;
    if (!ec)
      asio::co_spawn(socket.get_executor(), serve(std::move(socket), provider), asio::detached);
  }
}

bool parse_number(const char* text, unsigned& out) {
  const std::string_view s(text);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  unsigned port = 8080;
  unsigned threads = 4;
  here::oauth::provider_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--port" && has_value && parse_number(argv[i + 1], port) && port <= 65535) {
      ++i;
    } else if (arg == "--threads" && has_value && parse_number(argv[i + 1], threads) &&
               threads > 0) {
      ++i;
    } else if (arg == "--ca-file" && has_value) {
      options.ca_file = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0] << " [--port N] [--threads N] [--ca-file PEM]\n";
      return 2;
    }
  }

  try {
    asio::io_context io(static_cast<int>(threads));
    // One provider for the whole service. Its own work runs on a strand of io's executor.
    here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials(),
                                         options);

    // The acceptor lives on a strand, which the signal handler that closes it shares.
    auto acceptor_strand = asio::make_strand(io);
    tcp::acceptor acceptor(
        acceptor_strand, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port()
              << "/token with " << threads << " threads" << std::endl;
    asio::co_spawn(acceptor_strand, listen(acceptor, io.get_executor(), provider), asio::detached);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait(asio::bind_executor(acceptor_strand, [&](boost::system::error_code, int) {
      acceptor.close();
      provider.cancel();
      io.stop();  // open keep-alive connections are dropped
    }));

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i)
      pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool)
      t.join();
    const auto stats = provider.stats();
    std::cout << "stopped: " << stats.requests << " token requests, " << stats.cache_hits
              << " cache hits, " << stats.waits << " waits\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}

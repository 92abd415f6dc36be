// SPDX-License-Identifier: Apache-2.0
#pragma once

// The inside of local_token_server, shared by its two translation units: local_token_server.cpp
// (start, stop, the request bookkeeping and the public class) and session.cpp (accepting,
// reading, answering). Not a public header.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "connection.hpp"
#include "local_token_server.hpp"
#include "token_endpoint.hpp"
#include "wire_response.hpp"

namespace here::oauth::test_support {

struct local_token_server::impl {
  using tcp = boost::asio::ip::tcp;
  using http_request = boost::beast::http::request<boost::beast::http::string_body>;
  using http_parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  explicit impl(server_options opts);
  ~impl();

  // local_token_server.cpp: life cycle.
  void start();
  void stop();

  // session.cpp: one coroutine accepts, one per connection reads requests and answers them.
  boost::asio::awaitable<void> accept_loop();
  void start_session(tcp::socket socket);
  boost::asio::awaitable<void> session(std::shared_ptr<connection> conn, std::uint64_t id);
  enum class read_result { request, closed, bad };
  boost::asio::awaitable<read_result> read_request(connection& conn,
                                                   boost::beast::flat_buffer& buffer,
                                                   http_parser& parser);
  boost::asio::awaitable<bool> respond(connection& conn, const http_request& request);
  boost::asio::awaitable<bool> send(connection& conn, const wire_response& response,
                                    std::chrono::milliseconds per_byte = {});

  // local_token_server.cpp: the bookkeeping of requests, under `mutex`.
  /// Records the request and takes its script (or draws a random fault).
  scripted_reply begin_request(const http_request& request);
  void end_request();
  /// Counts an unparsable request (answered 400200).
  void note_bad_request();
  /// fault::close_mid_response: the bytes of a normal token answer up to half its body.
  std::string cut_token_answer() const;
  /// The canned answer of a fault (faults.hpp), its rejection recorded.
  wire_response canned_reply(const scripted_reply& script);
  /// The token endpoint's answer to request.
  wire_response normal_answer(const http_request& request, const scripted_reply& script);
  std::chrono::system_clock::time_point now_locked() const {
    return std::chrono::system_clock::now() + clock_shift;
  }
  /// The Date header's value, from the server's (shifted) clock.
  std::string date() const;
  std::string url() const { return origin + "/oauth2/token"; }

  // Configuration, fixed after construction.
  server_options options;
  generated_certificates certificates;
  std::filesystem::path temp_dir;
  std::filesystem::path ca_path;
  std::string origin;
  unsigned short port = 0;

  // State shared by the threads, under `mutex`.
  mutable std::mutex mutex;
  std::condition_variable finished;
  bool stopping = false;
  bool accepting = false;
  std::map<std::uint64_t, std::weak_ptr<connection>> live;
  std::uint64_t next_id = 0;
  token_endpoint endpoint;
  std::chrono::seconds clock_shift{0};
  std::deque<scripted_reply> scripts;
  double fault_probability = 0;
  std::mt19937_64 random;
  std::size_t requests_received = 0;
  std::size_t connections_accepted = 0;
  std::size_t in_flight = 0;
  std::size_t max_in_flight = 0;
  std::vector<std::string> tokens;
  std::vector<std::string> rejections;
  std::vector<recorded_request> recorded;

  // I/O last: destroyed first, while the state above still exists.
  std::optional<boost::asio::ssl::context> tls;
  boost::asio::io_context io;
  tcp::acceptor acceptor{boost::asio::make_strand(io)};
  std::vector<std::thread> threads;
};

}  // namespace here::oauth::test_support

// The local HERE-compatible token server: the only translation unit of the support library that
// uses Asio sockets, TLS and Beast's HTTP parser. Requests are read with Beast's parser; answers
// are written as raw bytes so that faults can cut, slow down or garble them at will.

#include "local_token_server.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <stdlib.h>  // mkdtemp

#include "token_endpoint.hpp"

namespace here::oauth::test_support {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

inline auto with_ec(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

/// One accepted connection, TLS or plain. The session coroutine owns it; stop() closes it from
/// its strand.
class connection : public std::enable_shared_from_this<connection> {
 public:
  explicit connection(const tcp::socket::executor_type& executor) : timer(executor) {}
  virtual ~connection() = default;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  virtual asio::awaitable<void> handshake(error_code& ec) = 0;
  virtual asio::awaitable<std::size_t> read_some(asio::mutable_buffer buffer, error_code& ec) = 0;
  virtual asio::awaitable<void> write(asio::const_buffer buffer, error_code& ec) = 0;
  /// Ends the stream politely (TLS close_notify, TCP FIN) without waiting forever.
  virtual asio::awaitable<void> shutdown() = 0;
  virtual tcp::socket& socket() = 0;

  /// Closes at once: pending operations complete with an error. Call on the strand.
  void close() {
    closed = true;
    error_code ignored;
    timer.cancel();
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  asio::steady_timer timer;
  bool closed = false;
};

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

/// An answer to be written as raw bytes.
struct wire_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;
};

std::string serialize(const wire_response& response, std::string_view date) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += http::obsolete_reason(http::int_to_status(response.status));
  out += "\r\nDate: ";
  out += date;
  out += "\r\nServer: here-token-server\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nCache-Control: no-store\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  for (const auto& [name, value] : response.headers)
    out += "\r\n" + name + ": " + value;
  if (response.close)
    out += "\r\nConnection: close";
  out += "\r\n\r\n";
  out += response.body;
  return out;
}

std::string default_proxy_page() {
  return "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad "
         "Gateway</h1><p>The proxy server received an invalid response from an upstream "
         "server.</p><hr><address>corporate-proxy</address></body></html>\n";
}

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

/// Java .properties escaping of a value: backslashes, control characters, a leading space.
std::string properties_escape(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case ' ':
        out += i == 0 ? "\\ " : " ";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

struct local_token_server::impl {
  explicit impl(server_options opts);
  ~impl();

  void start();
  void stop();
  asio::awaitable<void> accept_loop();
  void start_session(tcp::socket socket);
  asio::awaitable<void> session(std::shared_ptr<connection> conn, std::uint64_t id);
  enum class read_result { request, closed, bad };
  asio::awaitable<read_result> read_request(connection& conn, boost::beast::flat_buffer& buffer,
                                            http::request_parser<http::string_body>& parser);
  asio::awaitable<bool> respond(connection& conn, const http::request<http::string_body>& request);
  asio::awaitable<bool> send(connection& conn, const wire_response& response,
                             std::chrono::milliseconds per_byte = {});
  scripted_reply begin_request(const http::request<http::string_body>& request);
  void end_request();
  wire_response normal_answer(const http::request<http::string_body>& request,
                              const scripted_reply& script);
  void note_rejection(unsigned status, const std::string& code);
  std::chrono::system_clock::time_point now_locked() const {
    return std::chrono::system_clock::now() + clock_shift;
  }
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
  std::optional<ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor{asio::make_strand(io)};
  std::vector<std::thread> threads;
};

local_token_server::impl::impl(server_options opts)
    : options(std::move(opts)),
      endpoint(endpoint_settings{options.access_key_id, options.access_key_secret,
                                 options.token_lifetime, options.timestamp_window,
                                 options.token_size}),
      clock_shift(options.clock_shift) {
  const asio::ip::address address = asio::ip::make_address(options.host);
  if (!address.is_loopback()) {
    throw std::invalid_argument("local_token_server listens on loopback only, not " + options.host);
  }

  // Bound first: when the address is unavailable, nothing is left behind.
  const tcp::endpoint where(address, options.port);
  acceptor.open(where.protocol());
  if (address.is_v6())
    acceptor.set_option(asio::ip::v6_only(true));
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(where);
  acceptor.listen(asio::socket_base::max_listen_connections);
  port = acceptor.local_endpoint().port();
  origin = std::string(options.plain_http ? "http://" : "https://") + host_for_url(options.host) +
           ":" + std::to_string(port);

  certificates = generate_certificates(options.certificate_names);
  if (!options.plain_http) {
    tls.emplace(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    tls->use_certificate_chain(
        asio::buffer(certificates.server_cert_pem.data(), certificates.server_cert_pem.size()));
    tls->use_private_key(
        asio::buffer(certificates.server_key_pem.data(), certificates.server_key_pem.size()),
        ssl::context::pem);
  }

  std::string pattern =
      (std::filesystem::temp_directory_path() / "here-token-server-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("local_token_server: cannot create a temporary directory");
  }
  temp_dir = pattern;
  ca_path = temp_dir / "ca.pem";
  std::ofstream out(ca_path, std::ios::binary);
  out << certificates.ca_pem;
  out.close();
  if (!out) {
    error_code ignored;
    std::filesystem::remove_all(temp_dir, ignored);
    throw std::runtime_error("local_token_server: cannot write " + ca_path.string());
  }
}

local_token_server::impl::~impl() {
  stop();
  error_code ignored;
  std::filesystem::remove_all(temp_dir, ignored);
}

void local_token_server::impl::start() {
  accepting = true;
  asio::co_spawn(acceptor.get_executor(), accept_loop(), [this](std::exception_ptr e) {
    std::lock_guard lock(mutex);
    accepting = false;
    finished.notify_all();
    if (e)
      std::cerr << "here-token-server: the accept loop failed\n";
  });
  const unsigned count = std::max(1U, options.threads);
  for (unsigned i = 0; i < count; ++i) {
    threads.emplace_back([this] {
      for (;;) {
        try {
          io.run();
          return;
        } catch (const std::exception& e) {
          std::cerr << "here-token-server: " << e.what() << '\n';
        }
      }
    });
  }
}

void local_token_server::impl::stop() {
  {
    std::unique_lock lock(mutex);
    if (!stopping) {
      stopping = true;
      for (auto& [id, weak] : live) {
        if (auto conn = weak.lock()) {
          asio::post(conn->socket().get_executor(), [conn] { conn->close(); });
        }
      }
      asio::post(acceptor.get_executor(), [this] {
        error_code ignored;
        acceptor.close(ignored);
      });
    }
    // Every coroutine ends once its socket is closed; the bound only guards against a bug.
    finished.wait_for(lock, 10s, [this] { return live.empty() && !accepting; });
  }
  io.stop();
  for (auto& thread : threads) {
    if (thread.joinable())
      thread.join();
  }
}

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
  std::shared_ptr<connection> conn;
  if (tls) {
    conn = std::make_shared<tls_connection>(std::move(socket), *tls);
  } else {
    conn = std::make_shared<plain_connection>(std::move(socket));
  }
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
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    const read_result got = co_await read_request(*conn, buffer, parser);
    if (got == read_result::closed || conn->closed)
      break;
    if (got == read_result::bad) {
      // Unparsable HTTP: counted as a request, answered with 400 and the connection closed.
      {
        std::lock_guard lock(mutex);
        ++requests_received;
        recorded.push_back({});
        rejections.push_back("400200");
      }
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
    connection& conn, boost::beast::flat_buffer& buffer,
    http::request_parser<http::string_body>& parser) {
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

scripted_reply local_token_server::impl::begin_request(
    const http::request<http::string_body>& request) {
  std::lock_guard lock(mutex);
  ++requests_received;
  ++in_flight;
  max_in_flight = std::max(max_in_flight, in_flight);
  recorded_request& r = recorded.emplace_back();
  r.method = std::string(request.method_string());
  r.target = std::string(request.target());
  r.host = std::string(request[http::field::host]);
  r.authorization = std::string(request[http::field::authorization]);
  r.content_type = std::string(request[http::field::content_type]);
  r.user_agent = std::string(request[http::field::user_agent]);
  r.body = request.body();

  if (!scripts.empty()) {
    scripted_reply next = std::move(scripts.front());
    scripts.pop_front();
    r.applied = next.what;
    return next;
  }
  scripted_reply reply;
  if (fault_probability > 0 &&
      std::uniform_real_distribution<double>(0, 1)(random) < fault_probability) {
    switch (std::uniform_int_distribution<int>(0, 8)(random)) {
      case 0:
        reply.what = fault::hang;
        break;
      case 1:
        reply.what = fault::close_before_response;
        break;
      case 2:
        reply.what = fault::close_mid_response;
        break;
      case 3:
        reply.what = fault::status;
        reply.status = 503;
        break;
      case 4:
        reply.what = fault::rate_limited;
        reply.retry_after = 1s;
        break;
      case 5:
        reply.what = fault::malformed_json;
        break;
      case 6:
        reply.what = fault::non_json_body;
        break;
      case 7:
        reply.what = fault::delay;
        reply.delay = 200ms;
        break;
      default:
        reply.what = fault::trickle;
        reply.delay = 1ms;
        break;
    }
  }
  r.applied = reply.what;
  return reply;
}

void local_token_server::impl::end_request() {
  std::lock_guard lock(mutex);
  --in_flight;
}

void local_token_server::impl::note_rejection(unsigned status, const std::string& code) {
  if (status < 400 || status >= 500)
    return;
  std::lock_guard lock(mutex);
  rejections.push_back(code.empty() ? std::to_string(status) : code);
}

std::string local_token_server::impl::date() const {
  std::lock_guard lock(mutex);
  return format_http_date(now_locked());
}

wire_response local_token_server::impl::normal_answer(
    const http::request<http::string_body>& request, const scripted_reply& script) {
  endpoint_request in;
  const std::string method(request.method_string());
  in.method = method;
  in.scheme = options.plain_http ? "http" : "https";
  in.host = request[http::field::host];
  in.target = request.target();
  if (auto it = request.find(http::field::authorization); it != request.end()) {
    in.authorization = it->value();
  }
  if (auto it = request.find(http::field::content_type); it != request.end()) {
    in.content_type = it->value();
  }
  in.body = request.body();

  std::lock_guard lock(mutex);
  endpoint_answer answer = endpoint.handle(in, now_locked(), script.expires_in);
  if (answer.status == 200) {
    tokens.push_back(answer.access_token);
  } else if (answer.status >= 400 && answer.status < 500) {
    rejections.push_back(answer.error_code);
  }
  wire_response out;
  out.status = answer.status;
  out.body = std::move(answer.body);
  if (answer.status == 401)
    out.headers.emplace_back("WWW-Authenticate", "OAuth");
  return out;
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

asio::awaitable<bool> local_token_server::impl::respond(
    connection& conn, const http::request<http::string_body>& request) {
  scripted_reply script = begin_request(request);
  struct in_flight_guard {
    impl& self;
    ~in_flight_guard() { self.end_request(); }
  } guard{*this};
  const bool keep_alive = request.keep_alive();
  error_code ec;

  wire_response response;
  response.close = !keep_alive;
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
      wire_response whole;
      whole.body = token_response_body(
          make_access_token(options.token_size, options.access_key_id,
                            std::chrono::system_clock::now(), options.token_lifetime, {}, 0),
          options.token_lifetime);
      const std::string bytes = serialize(whole, date());
      const std::size_t cut = bytes.size() - whole.body.size() / 2;
      co_await conn.write(asio::buffer(bytes.data(), cut), ec);
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
    case fault::status:
      response.status = script.status;
      response.body = !script.body.empty()
                          ? script.body
                          : here_error_body(script.status, default_error_code(script.status),
                                            default_error_message(script.status));
      if (script.retry_after) {
        response.headers.emplace_back("Retry-After", std::to_string(script.retry_after->count()));
      }
      note_rejection(script.status, script.body.empty() ? default_error_code(script.status)
                                                        : error_code_in(script.body));
      break;
    case fault::rate_limited:
      response.status = 429;
      response.body = here_error_body(429, "429002", default_error_message(429));
      response.headers.emplace_back("Retry-After",
                                    std::to_string(script.retry_after.value_or(1s).count()));
      note_rejection(429, "429002");
      break;
    case fault::malformed_json:
      response.body = R"({"access_token": "abc",)";
      break;
    case fault::non_json_body:
      response.content_type = "text/html; charset=utf-8";
      response.body = script.body.empty() ? default_proxy_page() : script.body;
      break;
    case fault::oversized_body: {
      const std::string head = R"({"access_token":")";
      const std::string tail = R"(","token_type":"bearer","expires_in":3600})";
      const std::size_t fill = options.oversized_body_bytes > head.size() + tail.size()
                                   ? options.oversized_body_bytes - head.size() - tail.size()
                                   : 0;
      response.body = head + std::string(fill, 'A') + tail;
      break;
    }
    case fault::missing_fields:
      response.body = R"({"token_type":"bearer","expires_in":3600})";
      break;
    case fault::redirect:
      response.status = 302;
      response.headers.emplace_back("Location", script.location.empty()
                                                    ? origin + "/redirected/oauth2/token"
                                                    : script.location);
      break;
    case fault::none:
      response = normal_answer(request, script);
      break;
  }
  response.close = !keep_alive;
  const bool sent = co_await send(conn, response, per_byte);
  co_return sent&& keep_alive;
}

// ---- the public class ----

local_token_server::local_token_server(server_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {
  impl_->start();
}

local_token_server::~local_token_server() = default;

std::string local_token_server::url() const {
  return impl_->url();
}
std::string local_token_server::origin() const {
  return impl_->origin;
}
unsigned short local_token_server::port() const {
  return impl_->port;
}
const std::filesystem::path& local_token_server::ca_file() const {
  return impl_->ca_path;
}
const generated_certificates& local_token_server::certificates() const {
  return impl_->certificates;
}

here::oauth::credentials local_token_server::credentials() const {
  here::oauth::credentials c;
  c.access_key_id = impl_->options.access_key_id;
  c.access_key_secret = secret_string(std::string_view(impl_->options.access_key_secret));
  c.token_endpoint_url = url();
  c.user_id = "HERE-00000000-0000-4000-8000-000000000001";
  c.client_id = "here-token-server-client";
  c.source = "local_token_server " + url();
  return c;
}

void local_token_server::write_credentials_file(const std::filesystem::path& file) const {
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "here.user.id = HERE-00000000-0000-4000-8000-000000000001\n"
        << "here.client.id = here-token-server-client\n"
        << "here.access.key.id = " << properties_escape(impl_->options.access_key_id) << '\n'
        << "here.access.key.secret = " << properties_escape(impl_->options.access_key_secret)
        << '\n'
        << "here.token.endpoint.url = " << url() << '\n';
    out.flush();
    if (!out)
      throw std::runtime_error("local_token_server: cannot write " + file.string());
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace);
}

void local_token_server::push(scripted_reply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->scripts.push_back(std::move(reply));
}

std::size_t local_token_server::pending_replies() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->scripts.size();
}

void local_token_server::set_clock_shift(std::chrono::seconds shift) {
  std::lock_guard lock(impl_->mutex);
  impl_->clock_shift = shift;
}

void local_token_server::set_token_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(impl_->mutex);
  impl_->endpoint.set_token_lifetime(lifetime);
}

void local_token_server::set_credentials(std::string key_id, std::string secret) {
  std::lock_guard lock(impl_->mutex);
  impl_->options.access_key_id = std::move(key_id);
  impl_->options.access_key_secret = std::move(secret);
  endpoint_settings settings = impl_->endpoint.settings();
  settings.access_key_id = impl_->options.access_key_id;
  settings.access_key_secret = impl_->options.access_key_secret;
  impl_->endpoint = token_endpoint(std::move(settings));
}

void local_token_server::set_fault_rate(double probability, std::uint64_t seed) {
  std::lock_guard lock(impl_->mutex);
  impl_->fault_probability = std::clamp(probability, 0.0, 1.0);
  impl_->random.seed(seed);
}

std::chrono::system_clock::time_point local_token_server::now() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->now_locked();
}

std::size_t local_token_server::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests_received;
}

std::size_t local_token_server::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections_accepted;
}

std::size_t local_token_server::tokens_issued() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tokens.size();
}

std::size_t local_token_server::max_concurrent_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_in_flight;
}

std::vector<std::string> local_token_server::issued_tokens() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tokens;
}

std::vector<std::string> local_token_server::rejected_error_codes() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rejections;
}

std::vector<recorded_request> local_token_server::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->recorded;
}

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
// The local token server's life cycle (bind, certificates, threads, stop), the bookkeeping of
// requests that tests assert on, and the public class. The network side is session.cpp.

#include "local_token_server.hpp"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include "credentials_file.hpp"
#include "faults.hpp"
#include "server_impl.hpp"

namespace here::oauth::test_support {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using boost::system::error_code;
using namespace std::chrono_literals;

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

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

  certificates = generate_certificates(options.certificate_names, options.subject_alt_name);
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

scripted_reply local_token_server::impl::begin_request(const http_request& request) {
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

  scripted_reply reply;
  if (!scripts.empty()) {
    reply = std::move(scripts.front());
    scripts.pop_front();
  } else if (fault_probability > 0 &&
             std::uniform_real_distribution<double>(0, 1)(random) < fault_probability) {
    reply = random_fault(random);
  }
  r.applied = reply.what;
  return reply;
}

void local_token_server::impl::end_request() {
  std::lock_guard lock(mutex);
  --in_flight;
}

void local_token_server::impl::note_bad_request() {
  std::lock_guard lock(mutex);
  ++requests_received;
  recorded.push_back({});
  rejections.push_back("400200");
}

std::string local_token_server::impl::cut_token_answer() const {
  wire_response whole;
  whole.body = token_response_body(
      make_access_token(options.token_size, options.access_key_id, std::chrono::system_clock::now(),
                        options.token_lifetime, {}, 0),
      options.token_lifetime);
  std::string bytes = serialize(whole, date());
  bytes.resize(bytes.size() - whole.body.size() / 2);
  return bytes;
}

wire_response local_token_server::impl::canned_reply(const scripted_reply& script) {
  fault_answer canned = canned_answer(script, options.oversized_body_bytes, origin);
  if (!canned.rejection.empty()) {
    std::lock_guard lock(mutex);
    rejections.push_back(std::move(canned.rejection));
  }
  return std::move(canned.response);
}

std::string local_token_server::impl::date() const {
  std::lock_guard lock(mutex);
  return format_http_date(now_locked());
}

wire_response local_token_server::impl::normal_answer(const http_request& request,
                                                      const scripted_reply& script) {
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
  c.user_id = server_user_id;
  c.client_id = server_client_id;
  c.source = "local_token_server " + url();
  return c;
}

void local_token_server::write_credentials_file(const std::filesystem::path& file) const {
  write_credentials_properties(file, impl_->options.access_key_id, impl_->options.access_key_secret,
                               url());
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

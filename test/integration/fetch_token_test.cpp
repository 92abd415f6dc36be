// SPDX-License-Identifier: Apache-2.0
// One signed token request over real TLS sockets, against the local token server on loopback.

#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth/fetch_token.hpp>

#include "connect_proxy.hpp"
#include "local_token_server.hpp"
#include "scoped_env.hpp"
#include "transport/http_exchange.hpp"
#include "transport/token_client.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using detail::max_interim_responses;
using std::chrono::steady_clock;
using std::chrono::system_clock;
using test_support::connect_proxy;
using test_support::connect_proxy_options;
using test_support::fault;
using test_support::local_token_server;
using test_support::scoped_env;
using test_support::scripted_reply;
using test_support::server_options;
using test_support::status_reply;
using tcp = asio::ip::tcp;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

/// Options that trust only the server's CA and ignore the environment's proxies.
request_options options_for(const local_token_server& server) {
  request_options options;
  options.ca_file = server.ca_file();
  options.use_system_trust_store = false;
  options.use_environment_proxy = false;
  return options;
}

credentials credentials_with_url(const local_token_server& server, std::string url) {
  credentials creds = server.credentials();
  creds.token_endpoint_url = std::move(url);
  return creds;
}

std::string authority(const local_token_server& server, std::string_view host = "127.0.0.1") {
  return std::string(host) + ":" + std::to_string(server.port());
}

scripted_reply reply_of(fault what, std::chrono::milliseconds delay = {}) {
  scripted_reply reply;
  reply.what = what;
  reply.delay = delay;
  return reply;
}

struct outcome {
  error_code ec;
  fetch_result result;
  steady_clock::duration elapsed{};
  bool completed = false;
};

/// One detail::async_fetch on a fresh single-threaded io_context, run to completion.
outcome run_fetch(const credentials& creds, const request_options& options,
                  std::chrono::seconds clock_offset = {}) {
  asio::io_context ioc;
  error_code init_ec;
  error_details init_details;
  auto client = detail::make_token_client(creds, options, init_ec, init_details);
  outcome out;
  const auto start = steady_clock::now();
  detail::async_fetch(
      client, ioc.get_executor(), clock_offset,
      [&out, start](error_code ec, fetch_result result) {
        out.elapsed = steady_clock::now() - start;
        out.ec = ec;
        out.result = std::move(result);
        out.completed = true;
      },
      init_ec, init_details);
  ioc.run();
  return out;
}

double ms(steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

/// A port nothing listens on: bound, read, released.
unsigned short unused_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

/// A TCP listener on the caller's io_context that accepts connections and never says a word.
class silent_listener {
 public:
  explicit silent_listener(asio::io_context& ioc)
      : acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void stop() {
    error_code ignored;
    acceptor_.close(ignored);
    for (auto& s : accepted_)
      s->close(ignored);
  }

 private:
  void accept() {
    auto socket = std::make_shared<tcp::socket>(acceptor_.get_executor());
    acceptor_.async_accept(*socket, [this, socket](error_code ec) {
      if (ec)
        return;
      accepted_.push_back(socket);
      // Read and drop whatever comes, so the client's writes complete.
      drain(socket);
      accept();
    });
  }
  void drain(std::shared_ptr<tcp::socket> socket) {
    auto buffer = std::make_shared<std::array<char, 4096>>();
    socket->async_read_some(asio::buffer(*buffer),
                            [this, socket, buffer](error_code ec, std::size_t) {
                              if (!ec)
                                drain(socket);
                            });
  }
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> accepted_;
};

/// A file in the temp directory, removed at the end of the test.
class temp_file {
 public:
  temp_file(std::string_view name, std::string_view content)
      : path_(std::filesystem::temp_directory_path() /
              (std::string(name) + "-" + std::to_string(::getpid()))) {
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// ---- success -----------------------------------------------------------------------------------

/// A fetch from the server by the name "localhost" (its certificate names it, unless a test
/// says otherwise).
outcome run_fetch_via_localhost(const local_token_server& server) {
  return run_fetch(
      credentials_with_url(server,
                           "https://localhost:" + std::to_string(server.port()) + "/oauth2/token"),
      options_for(server));
}

TEST(FetchToken, GetsATokenOverVerifiedTls) {
  local_token_server server;
  const auto before = system_clock::now();
  outcome out = run_fetch(server.credentials(), options_for(server));
  const auto after = system_clock::now();
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  std::cout << "[ timing   ] one fetch (connect, TLS, request, answer): " << ms(out.elapsed)
            << " ms\n";

  const fetch_result& r = out.result;
  EXPECT_EQ(r.token.value.size(), 900u);
  EXPECT_EQ(r.token.token_type, "bearer");
  EXPECT_EQ(r.expires_in, 3600s);
  EXPECT_TRUE(r.details.empty());
  EXPECT_GE(r.sent_at, before);
  EXPECT_LE(r.sent_at, after);
  EXPECT_NE(r.sent_at_steady, steady_clock::time_point{});
  EXPECT_EQ(r.token.expires_at, r.sent_at + 3600s);
  ASSERT_TRUE(r.server_date);
  EXPECT_LE(std::chrono::abs(*r.server_date - r.sent_at), 2s);
  EXPECT_EQ(server.issued_tokens(), std::vector<std::string>{r.token.value});

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/oauth2/token");
  EXPECT_EQ(requests[0].host, authority(server));
  EXPECT_EQ(requests[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_TRUE(requests[0].user_agent.starts_with("here-oauth-cpp/"));
  EXPECT_EQ(requests[0].body, "grant_type=client_credentials");
  EXPECT_TRUE(requests[0].authorization.starts_with("OAuth "));
}

TEST(FetchToken, SendsScopeAndRequestedLifetime) {
  local_token_server server;
  request_options options = options_for(server);
  options.scope = "hrn:here:authorization::org1:project/p1";
  options.requested_lifetime = 600s;
  options.user_agent = "fetch-test/1.0";
  outcome out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << to_string(out.result.details);
  EXPECT_EQ(out.result.expires_in, 600s);
  EXPECT_EQ(out.result.token.scope, options.scope);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].user_agent, "fetch-test/1.0");
  EXPECT_EQ(requests[0].body,
            "grant_type=client_credentials&scope=hrn%3Ahere%3Aauthorization%3A%3Aorg1%3Aproject%"
            "2Fp1&expires_in=600");
}

TEST(FetchToken, WorksWithTheSystemTrustStorePlusCaFile) {
  local_token_server server;
  request_options options = options_for(server);
  options.use_system_trust_store = true;
  error_code ec;
  error_details details;
  const auto start = steady_clock::now();
  auto client = detail::make_token_client(server.credentials(), options, ec, details);
  std::cout << "[ timing   ] make_token_client with the system trust store: "
            << ms(steady_clock::now() - start) << " ms\n";
  ASSERT_TRUE(client) << details.message;
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_FALSE(out.ec) << to_string(out.result.details);
}

TEST(FetchToken, VerifiesDnsNamesAndTriesEveryAddress) {
  // "localhost" may resolve to ::1 first, where nothing listens: the next address must be tried.
  local_token_server server;
  outcome out = run_fetch_via_localhost(server);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].host, authority(server, "localhost"));
}

TEST(FetchToken, Ipv6Loopback) {
  std::unique_ptr<local_token_server> server;
  try {
    server_options options;
    options.host = "::1";
    server = std::make_unique<local_token_server>(options);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 loopback: " << e.what();
  }
  EXPECT_TRUE(server->url().starts_with("https://[::1]:"));
  outcome out = run_fetch(server->credentials(), options_for(*server));
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  auto requests = server->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].host, "[::1]:" + std::to_string(server->port()));
}

// ---- the server says no ------------------------------------------------------------------------

TEST(FetchToken, WrongSecretIsSignatureRejectedWithHereDetails) {
  local_token_server server;
  credentials creds = server.credentials();
  creds.access_key_secret = secret_string(std::string_view("not-the-secret"));
  outcome out = run_fetch(creds, options_for(server));
  EXPECT_EQ(out.ec, error::signature_rejected);
  const error_details& d = out.result.details;
  EXPECT_EQ(d.http_status, 401u);
  EXPECT_EQ(d.error_code, "401300");
  EXPECT_FALSE(d.error_id.empty());
  EXPECT_FALSE(d.message.empty());
  EXPECT_TRUE(out.result.server_date);
  EXPECT_TRUE(out.result.token.value.empty());
  EXPECT_FALSE(contains(to_string(d), "not-the-secret"));
}

TEST(FetchToken, ClockOffsetFromTheServerDateFixesATimestampRejection) {
  local_token_server server;
  server.set_clock_shift(2h);  // far outside the 10-minute window
  outcome first = run_fetch(server.credentials(), options_for(server));
  ASSERT_EQ(first.ec, error::timestamp_rejected) << to_string(first.result.details);
  EXPECT_EQ(first.result.details.error_code, "401204");
  ASSERT_TRUE(first.result.server_date);

  // What the provider does: offset = server Date - local send time.
  const auto offset =
      std::chrono::round<std::chrono::seconds>(*first.result.server_date - first.result.sent_at);
  EXPECT_NEAR(static_cast<double>(offset.count()), 7200.0, 3.0);
  outcome second = run_fetch(server.credentials(), options_for(server), offset);
  EXPECT_FALSE(second.ec) << to_string(second.result.details);
  EXPECT_FALSE(second.result.token.value.empty());
}

TEST(FetchToken, ServerErrorsKeepStatusCodeAndRetryAfter) {
  local_token_server server;
  scripted_reply internal;
  internal.what = fault::status;
  internal.status = 500;
  server.push(internal);
  scripted_reply unavailable;
  unavailable.what = fault::status;
  unavailable.status = 503;
  unavailable.retry_after = 7s;
  server.push(unavailable);

  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::server_error);
  EXPECT_EQ(out.result.details.http_status, 500u);
  EXPECT_FALSE(out.result.details.error_code.empty());
  EXPECT_FALSE(out.result.details.retry_after);

  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::server_error);
  EXPECT_EQ(out.result.details.http_status, 503u);
  EXPECT_EQ(out.result.details.retry_after, 7s);
}

TEST(FetchToken, RateLimitedWithRetryAfter) {
  local_token_server server;
  scripted_reply reply;
  reply.what = fault::rate_limited;
  reply.retry_after = 12s;
  server.push(reply);
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::rate_limited);
  EXPECT_EQ(out.result.details.http_status, 429u);
  EXPECT_EQ(out.result.details.error_code, "429002");
  EXPECT_EQ(out.result.details.retry_after, 12s);
}

TEST(FetchToken, MalformedAnswersAreMalformedResponse) {
  local_token_server server;
  server.push(reply_of(fault::malformed_json));
  server.push(reply_of(fault::non_json_body));
  server.push(reply_of(fault::missing_fields));

  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_TRUE(contains(out.result.details.message, "not JSON")) << out.result.details.message;

  // A 200 HTML page is malformed, not a made-up server error.
  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_EQ(out.result.details.http_status, 200u);
  EXPECT_TRUE(contains(out.result.details.message, "text/html")) << out.result.details.message;

  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_TRUE(contains(out.result.details.message, "access_token")) << out.result.details.message;
}

TEST(FetchToken, InterimAnswersBeforeTheTokenAreSkipped) {
  // RFC 9110: a client skips 1xx answers (100 Continue, 103 Early Hints, ...) before the final one.
  local_token_server server;
  scripted_reply one;
  one.interim = {100};
  server.push(one);
  scripted_reply several;
  several.interim = {100, 103, 102, 100};
  server.push(several);
  scripted_reply error_after_interim = status_reply(503);
  error_after_interim.interim = {100};
  server.push(error_after_interim);
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_FALSE(out.ec) << out.ec.message() << ": " << out.result.details.message;
  EXPECT_FALSE(out.result.token.value.empty());
  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_FALSE(out.ec) << out.ec.message() << ": " << out.result.details.message;
  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::server_error);  // the final answer counts, not the interim one
  EXPECT_EQ(out.result.details.http_status, 503u);
}

TEST(FetchToken, EndlessInterimAnswersAndAnUnaskedUpgradeAreMalformed) {
  local_token_server server;
  scripted_reply endless;
  endless.interim.assign(max_interim_responses + 1, 100);
  server.push(endless);
  scripted_reply upgrade;
  upgrade.interim = {101};
  server.push(upgrade);
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_EQ(out.result.details.message, "the answer from " + authority(server) + " is more than " +
                                            std::to_string(max_interim_responses) +
                                            " interim (1xx) responses");
  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_EQ(out.result.details.message, "the answer from " + authority(server) +
                                            " is 101 Switching Protocols, which was not asked for");
}

TEST(FetchToken, AContentEncodingThatWasNotAskedForIsNamed) {
  // The body is sent as is (not really compressed): what counts is that the header is honoured.
  local_token_server server;
  scripted_reply gzip;
  gzip.headers = {{"Content-Encoding", "gzip"}};
  server.push(gzip);
  scripted_reply unavailable = status_reply(503);
  unavailable.retry_after = 9s;
  unavailable.headers = {{"Content-Encoding", "br"}};
  server.push(unavailable);
  scripted_reply identity;
  identity.headers = {{"Content-Encoding", "Identity"}};
  server.push(identity);

  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::malformed_response);
  EXPECT_EQ(out.result.details.http_status, 200u);
  EXPECT_TRUE(contains(out.result.details.message,
                       "the token response is encoded with Content-Encoding 'gzip', which the "
                       "request did not ask for"))
      << out.result.details.message;
  EXPECT_FALSE(contains(out.result.details.message, "not JSON")) << out.result.details.message;

  // An error answer keeps what its status and headers say; only its body is unread.
  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::server_error);
  EXPECT_EQ(out.result.details.retry_after, 9s);
  EXPECT_TRUE(contains(out.result.details.message, "error body encoded with Content-Encoding 'br'"))
      << out.result.details.message;

  out = run_fetch(server.credentials(), options_for(server));  // identity is no encoding
  EXPECT_FALSE(out.ec) << out.ec.message() << ": " << out.result.details.message;
}

TEST(FetchToken, OversizedBodyIsResponseTooLarge) {
  server_options so;
  so.token_size = 2000;           // a normal answer is then over 2 KB
  local_token_server server(so);  // its oversized answer is 1 MiB, the default limit 64 KiB
  server.push(reply_of(fault::oversized_body));
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::response_too_large);
  EXPECT_TRUE(contains(out.result.details.message, "max_response_body_bytes"))
      << out.result.details.message;

  // A normal answer is refused by a 1 KiB limit too.
  request_options small = options_for(server);
  small.max_response_body_bytes = 1024;
  out = run_fetch(server.credentials(), small);
  EXPECT_EQ(out.ec, error::response_too_large);
}

TEST(FetchToken, RedirectIsNotFollowed) {
  local_token_server server;
  server.push(reply_of(fault::redirect));
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec, error::redirect_refused);
  EXPECT_EQ(out.result.details.http_status, 302u);
  EXPECT_TRUE(contains(out.result.details.message, "/redirected/oauth2/token"))
      << out.result.details.message;
  EXPECT_EQ(server.request_count(), 1u);
}

// ---- the connection breaks ---------------------------------------------------------------------

TEST(FetchToken, HangingServerTimesOutAtTheDeadline) {
  local_token_server server;
  server.push(reply_of(fault::hang));
  request_options options = options_for(server);
  options.request_timeout = 1500ms;
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec, error::timeout);
  EXPECT_EQ(out.result.details.message, "timed out reading the response from " + authority(server));
  std::cout << "[ timing   ] timeout of 1500 ms fired after " << ms(out.elapsed) << " ms\n";
  EXPECT_GE(out.elapsed, 1490ms);
  EXPECT_LT(out.elapsed, 1500ms + 2s);
  EXPECT_NE(out.result.sent_at_steady, steady_clock::time_point{});
}

TEST(FetchToken, TricklingServerTimesOutAtTheDeadline) {
  local_token_server server;
  server.push(reply_of(fault::trickle, 20ms));  // ~1.3 KB at 50 bytes/s
  request_options options = options_for(server);
  options.request_timeout = 1000ms;
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec, error::timeout);
  EXPECT_EQ(out.result.details.message, "timed out reading the response from " + authority(server));
  EXPECT_GE(out.elapsed, 990ms);
  EXPECT_LT(out.elapsed, 1000ms + 2s);
}

TEST(FetchToken, SilentPeerTimesOutInTheTlsHandshake) {
  asio::io_context ioc;
  silent_listener listener(ioc);
  local_token_server server;  // only for a CA file and credentials
  request_options options = options_for(server);
  options.request_timeout = 800ms;
  const std::string where = "127.0.0.1:" + std::to_string(listener.port());
  error_code ec;
  error_details details;
  auto client = detail::make_token_client(
      credentials_with_url(server, "https://" + where + "/oauth2/token"), options, ec, details);
  ASSERT_TRUE(client) << details.message;
  outcome out;
  const auto start = steady_clock::now();
  detail::async_fetch(client, ioc.get_executor(), {}, [&](error_code e, fetch_result r) {
    out.ec = e;
    out.result = std::move(r);
    out.elapsed = steady_clock::now() - start;
    listener.stop();
  });
  ioc.run();
  EXPECT_EQ(out.ec, error::timeout);
  EXPECT_EQ(out.result.details.message, "timed out in the TLS handshake with " + where);
  EXPECT_GE(out.elapsed, 790ms);
  EXPECT_LT(out.elapsed, 800ms + 2s);
}

TEST(FetchToken, ConnectionClosedMidResponse) {
  local_token_server server;
  server.push(reply_of(fault::close_mid_response));
  server.push(reply_of(fault::close_before_response));
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_TRUE(out.ec);
  EXPECT_NE(out.ec, error::timeout);
  EXPECT_TRUE(out.result.token.value.empty());
  EXPECT_EQ(out.result.details.message,
            authority(server) + " closed the connection in the middle of the response")
      << out.ec.message();

  out = run_fetch(server.credentials(), options_for(server));
  EXPECT_TRUE(out.ec);
  EXPECT_EQ(out.result.details.message,
            authority(server) + " closed the connection without answering")
      << out.ec.message();
}

TEST(FetchToken, ConnectionRefusedKeepsTheAsioCode) {
  local_token_server server;
  const unsigned short port = unused_port();
  outcome out = run_fetch(
      credentials_with_url(server, "https://127.0.0.1:" + std::to_string(port) + "/oauth2/token"),
      options_for(server));
  EXPECT_EQ(out.ec, asio::error::connection_refused) << out.ec.message();
  EXPECT_TRUE(contains(out.result.details.message,
                       "connecting to 127.0.0.1:" + std::to_string(port) + " failed"))
      << out.result.details.message;
}

// ---- TLS verification --------------------------------------------------------------------------

TEST(FetchToken, CertificateForAnotherIpIsRefused) {
  server_options so;
  so.certificate_names = {"other.example"};
  local_token_server server(so);
  outcome out = run_fetch(server.credentials(), options_for(server));
  EXPECT_EQ(out.ec.category(), asio::error::get_ssl_category()) << out.ec.message();
  const std::string& m = out.result.details.message;
  EXPECT_EQ(m, "TLS handshake with " + authority(server) +
                   " failed: certificate verify failed (IP address mismatch)");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(FetchToken, CertificateForAnotherHostNameIsRefused) {
  server_options so;
  so.certificate_names = {"127.0.0.1", "other.example"};  // not "localhost"
  local_token_server server(so);
  outcome out = run_fetch_via_localhost(server);
  EXPECT_EQ(out.ec.category(), asio::error::get_ssl_category()) << out.ec.message();
  const std::string& m = out.result.details.message;
  EXPECT_EQ(m, "TLS handshake with localhost:" + std::to_string(server.port()) +
                   " failed: certificate verify failed (hostname mismatch)");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(FetchToken, ACertificateNamingTheHostOnlyInItsSubjectCnIsRefused) {
  // CN=localhost, no subjectAltName: OpenSSL would accept it by falling back to the CN.
  server_options so;
  so.certificate_names = {"localhost"};
  so.subject_alt_name = false;
  local_token_server server(so);
  outcome out = run_fetch_via_localhost(server);
  EXPECT_EQ(out.ec.category(), asio::error::get_ssl_category()) << out.ec.message();
  EXPECT_EQ(out.result.details.message,
            "TLS handshake with localhost:" + std::to_string(server.port()) +
                " failed: certificate verify failed (hostname mismatch: the certificate has no "
                "subjectAltName, and its subject CN is never used)");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(FetchToken, TheSameHostInTheSubjectAltNameIsAccepted) {
  // The control for the test above: only the subjectAltName differs.
  server_options so;
  so.certificate_names = {"localhost"};
  local_token_server server(so);
  outcome out = run_fetch_via_localhost(server);
  EXPECT_FALSE(out.ec) << out.ec.message() << ": " << out.result.details.message;
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(FetchToken, UntrustedCaIsRefused) {
  local_token_server server;
  temp_file other_ca("here-oauth-untrusted-ca.pem",
                     test_support::generate_certificates({"127.0.0.1"}).ca_pem);
  request_options options = options_for(server);
  options.ca_file = other_ca.path();
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec.category(), asio::error::get_ssl_category()) << out.ec.message();
  const std::string& m = out.result.details.message;
  EXPECT_TRUE(contains(m, "certificate verify failed")) << m;
  EXPECT_TRUE(contains(m, "unable to get local issuer certificate")) << m;
  EXPECT_EQ(server.request_count(), 0u);
}

// ---- plain HTTP --------------------------------------------------------------------------------

TEST(FetchToken, PlainHttpIsRefusedUnlessAllowed) {
  server_options so;
  so.plain_http = true;
  local_token_server server(so);
  ASSERT_TRUE(server.url().starts_with("http://"));
  request_options options;
  options.use_environment_proxy = false;
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec, error::insecure_url_refused);
  EXPECT_TRUE(contains(out.result.details.message, "allow_plain_http"));
  EXPECT_EQ(server.connection_count(), 0u);

  options.allow_plain_http = true;
  out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  EXPECT_FALSE(out.result.token.value.empty());
}

// ---- proxies -----------------------------------------------------------------------------------

TEST(FetchTokenProxy, TunnelsThroughAConnectProxy) {
  local_token_server server;
  connect_proxy proxy;
  request_options options = options_for(server);
  options.proxy = proxy.url();
  outcome out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  EXPECT_EQ(proxy.targets(), std::vector<std::string>{authority(server)});
  EXPECT_EQ(proxy.authorizations(), std::vector<std::string>{""});
  EXPECT_EQ(proxy.tunnels(), 1u);
  EXPECT_EQ(server.tokens_issued(), 1u);
}

TEST(FetchTokenProxy, SendsBasicCredentials) {
  local_token_server server;
  connect_proxy_options po;
  po.required_authorization = "Basic YWxpY2U6czNjcmV0";  // alice:s3cret
  connect_proxy proxy(po);
  request_options options = options_for(server);
  options.proxy = proxy.url_with("alice", "s3cret");
  outcome out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  EXPECT_EQ(proxy.authorizations(), std::vector<std::string>{po.required_authorization});

  options.proxy = proxy.url_with("alice", "wrong-password");
  out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec, error::proxy_error);
  EXPECT_EQ(out.result.details.http_status, 407u);
  const std::string text = to_string(out.result.details);
  EXPECT_TRUE(contains(text, "proxy 127.0.0.1:" + std::to_string(proxy.port()))) << text;
  EXPECT_TRUE(contains(text, "407")) << text;
  EXPECT_FALSE(contains(text, "wrong-password")) << text;
  EXPECT_FALSE(contains(text, "alice")) << text;
  EXPECT_EQ(server.tokens_issued(), 1u);
}

TEST(FetchTokenProxy, RefusedTunnelIsProxyError) {
  local_token_server server;
  connect_proxy_options po;
  po.refuse_status = 403;
  connect_proxy proxy(po);
  request_options options = options_for(server);
  options.proxy = proxy.url();
  outcome out = run_fetch(server.credentials(), options);
  EXPECT_EQ(out.ec, error::proxy_error);
  EXPECT_EQ(out.result.details.http_status, 403u);
  EXPECT_TRUE(contains(out.result.details.message, "refused CONNECT to " + authority(server)))
      << out.result.details.message;
  EXPECT_EQ(server.connection_count(), 0u);
}

TEST(FetchTokenProxy, SilentProxyTimesOutOpeningTheTunnel) {
  asio::io_context ioc;
  silent_listener listener(ioc);
  local_token_server server;
  const std::string proxy_authority = "127.0.0.1:" + std::to_string(listener.port());
  request_options options = options_for(server);
  options.proxy = "http://" + proxy_authority;
  options.request_timeout = 600ms;
  error_code ec;
  error_details details;
  auto client = detail::make_token_client(server.credentials(), options, ec, details);
  ASSERT_TRUE(client) << details.message;
  outcome out;
  detail::async_fetch(client, ioc.get_executor(), {}, [&](error_code e, fetch_result r) {
    out.ec = e;
    out.result = std::move(r);
    listener.stop();
  });
  ioc.run();
  EXPECT_EQ(out.ec, error::timeout);
  EXPECT_EQ(out.result.details.message, "timed out opening a tunnel to " + authority(server) +
                                            " through proxy " + proxy_authority);
}

TEST(FetchTokenProxy, EnvironmentProxyAndNoProxy) {
  local_token_server server;
  connect_proxy proxy;
  scoped_env env;
  env.set("https_proxy", proxy.url());
  env.unset("no_proxy");
  env.unset("NO_PROXY");
  request_options options = options_for(server);
  options.use_environment_proxy = true;
  outcome out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  EXPECT_EQ(proxy.tunnels(), 1u);

  env.set("no_proxy", "example.com, 127.0.0.1");
  out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << to_string(out.result.details);
  EXPECT_EQ(proxy.tunnels(), 1u);  // bypassed
  EXPECT_EQ(server.tokens_issued(), 2u);

  options.use_environment_proxy = false;
  env.unset("no_proxy");
  out = run_fetch(server.credentials(), options);
  ASSERT_FALSE(out.ec) << to_string(out.result.details);
  EXPECT_EQ(proxy.tunnels(), 1u);
}

// ---- options -----------------------------------------------------------------------------------

TEST(FetchTokenOptions, InvalidOptionsFailBeforeAnyConnection) {
  local_token_server server;
  struct bad_case {
    std::function<void(request_options&, credentials&)> change;
    error expected;
    std::string_view mentions;
  };
  const std::string missing_file = "/nonexistent/here-oauth-ca.pem";
  const bad_case cases[] = {
      {[](auto& o, auto&) { o.request_timeout = 0ms; }, error::invalid_option, "request_timeout"},
      {[](auto& o, auto&) { o.requested_lifetime = -1s; }, error::invalid_option,
       "requested_lifetime"},
      {[&](auto& o, auto&) { o.ca_file = missing_file; }, error::invalid_option, missing_file},
      {[](auto& o, auto&) { o.ca_file.clear(); }, error::invalid_option, "use_system_trust_store"},
      {[](auto& o, auto&) { o.ca_directory = "/nonexistent-dir"; }, error::invalid_option,
       "ca_directory"},
      {[](auto& o, auto&) { o.max_response_body_bytes = 10; }, error::invalid_option,
       "max_response_body_bytes"},
      {[](auto& o, auto&) { o.max_response_header_bytes = 1u << 30; }, error::invalid_option,
       "max_response_header_bytes"},
      {[](auto& o, auto&) { o.proxy = "ftp://proxy:21"; }, error::invalid_option,
       "request_options::proxy"},
      {[](auto& o, auto&) { o.user_agent = "a\r\nX-Injected: 1"; }, error::invalid_option,
       "user_agent"},
      {[](auto&, auto& c) { c.token_endpoint_url = "not a url"; }, error::invalid_endpoint_url,
       "URL"},
      {[](auto&, auto& c) { c.access_key_secret.clear(); }, error::credentials_missing, "secret"},
  };
  for (const auto& c : cases) {
    request_options options = options_for(server);
    credentials creds = server.credentials();
    c.change(options, creds);
    outcome out = run_fetch(creds, options);
    EXPECT_EQ(out.ec, c.expected) << c.mentions << ": " << out.ec.message();
    EXPECT_TRUE(contains(out.result.details.message, c.mentions)) << out.result.details.message;
  }
  {
    temp_file not_pem("here-oauth-not-a-cert.pem", "hello");
    request_options options = options_for(server);
    options.ca_file = not_pem.path();
    outcome out = run_fetch(server.credentials(), options);
    EXPECT_EQ(out.ec, error::invalid_option);
    EXPECT_TRUE(contains(out.result.details.message, not_pem.path().string()));
  }
  EXPECT_EQ(server.connection_count(), 0u);
}

// ---- completion tokens, executors, cancellation ------------------------------------------------

TEST(FetchTokenAsync, CallbackIsNeverInvokedInline) {
  local_token_server server;
  asio::io_context ioc;
  for (bool valid : {true, false}) {
    request_options options = options_for(server);
    if (!valid)
      options.request_timeout = 0ms;  // fails in the initiating call's validation
    bool initiated = false;
    bool called = false;
    bool called_inline = false;
    async_fetch_token(ioc.get_executor(), server.credentials(), options,
                      [&](error_code ec, fetch_result) {
                        called = true;
                        called_inline = !initiated;
                        EXPECT_EQ(static_cast<bool>(ec), !valid);
                      });
    initiated = true;
    ioc.restart();
    ioc.run();
    EXPECT_TRUE(called);
    EXPECT_FALSE(called_inline);
  }
}

TEST(FetchTokenAsync, CompletesOnTheHandlersExecutor) {
  local_token_server server;
  asio::io_context ioc;
  auto strand = asio::make_strand(ioc);
  bool on_strand = false;
  async_fetch_token(ioc.get_executor(), server.credentials(), options_for(server),
                    asio::bind_executor(strand, [&](error_code ec, fetch_result) {
                      EXPECT_FALSE(ec);
                      on_strand = strand.running_in_this_thread();
                    }));
  ioc.run();
  EXPECT_TRUE(on_strand);

  // A handler bound to another io_context runs there, and the fetch keeps that context busy
  // until then: other.run() has no work guard, yet returns only after the handler ran.
  asio::io_context other;
  std::thread::id handler_thread;
  async_fetch_token(ioc.get_executor(), server.credentials(), options_for(server),
                    asio::bind_executor(other, [&](error_code ec, fetch_result) {
                      EXPECT_FALSE(ec);
                      handler_thread = std::this_thread::get_id();
                    }));
  std::thread other_thread([&] { other.run(); });
  const std::thread::id other_id = other_thread.get_id();
  ioc.restart();
  ioc.run();
  other_thread.join();
  EXPECT_EQ(handler_thread, other_id);
}

TEST(FetchTokenAsync, UseAwaitable) {
  local_token_server server;
  asio::io_context ioc;
  std::optional<fetch_result> result;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result =
            co_await async_fetch_token(co_await asio::this_coro::executor, server.credentials(),
                                       options_for(server), asio::use_awaitable);
      },
      [](std::exception_ptr e) {
        if (e)
          std::rethrow_exception(e);
      });
  ioc.run();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->token.value.empty());
}

TEST(FetchTokenAsync, FetchTokenThrowsTokenErrorWithDetails) {
  local_token_server server;
  asio::io_context ioc;
  std::optional<fetch_result> result;
  std::optional<token_error> failure;
  credentials wrong = server.credentials();
  wrong.access_key_secret = secret_string(std::string_view("wrong-secret-value"));
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        result = co_await fetch_token(ex, server.credentials(), options_for(server));
        try {
          co_await fetch_token(ex, wrong, options_for(server));
        } catch (const token_error& e) {
          failure = e;
        }
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->token.value.empty());
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->code(), error::signature_rejected);
  EXPECT_EQ(failure->details().error_code, "401300");
  const std::string what = failure->what();
  EXPECT_TRUE(contains(what, "401300")) << what;
  EXPECT_TRUE(contains(what, authority(server))) << what;
  EXPECT_FALSE(contains(what, "wrong-secret-value")) << what;
}

TEST(FetchTokenAsync, UseFuture) {
  local_token_server server;
  asio::io_context ioc;
  auto work = asio::make_work_guard(ioc);
  std::thread runner([&] { ioc.run(); });
  std::future<fetch_result> ok = async_fetch_token(ioc.get_executor(), server.credentials(),
                                                   options_for(server), asio::use_future);
  credentials wrong = server.credentials();
  wrong.access_key_secret = secret_string(std::string_view("nope"));
  std::future<fetch_result> bad =
      async_fetch_token(ioc.get_executor(), wrong, options_for(server), asio::use_future);
  fetch_result r = ok.get();
  EXPECT_FALSE(r.token.value.empty());
  try {
    bad.get();
    ADD_FAILURE() << "expected an exception";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), error::signature_rejected);
  }
  work.reset();
  runner.join();
}

/// Polls (on the io_context, never sleeping) until pred holds, then calls then().
void when(asio::steady_timer& timer, std::function<bool()> pred, std::function<void()> then) {
  timer.expires_after(2ms);
  timer.async_wait([&timer, pred = std::move(pred), then = std::move(then)](error_code ec) mutable {
    if (ec)
      return;
    if (pred())
      return then();
    when(timer, std::move(pred), std::move(then));
  });
}

TEST(FetchTokenAsync, CancellationSlotAbortsAndClosesTheConnection) {
  local_token_server server;
  server.push(reply_of(fault::hang));
  asio::io_context ioc;
  asio::cancellation_signal signal;
  asio::steady_timer poll(ioc);
  outcome out;
  const auto start = steady_clock::now();
  async_fetch_token(ioc.get_executor(), server.credentials(), options_for(server),
                    asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, fetch_result r) {
                      out.ec = ec;
                      out.result = std::move(r);
                      out.elapsed = steady_clock::now() - start;
                      out.completed = true;
                      poll.cancel();
                    }));
  // Once the server holds the request, cancel.
  when(
      poll, [&] { return server.request_count() == 1; },
      [&] { signal.emit(asio::cancellation_type::terminal); });
  ioc.run();
  ASSERT_TRUE(out.completed);
  EXPECT_EQ(out.ec, asio::error::operation_aborted);
  // The server may count the request before the client has seen its write complete.
  const std::string& m = out.result.details.message;
  EXPECT_TRUE(m == "cancelled while reading the response from " + authority(server) ||
              m == "cancelled while writing the request to " + authority(server))
      << m;
  EXPECT_LT(out.elapsed, 5s);  // the deadline is 10 s
}

TEST(FetchTokenAsync, CancellationRightAfterInitiation) {
  local_token_server server;
  asio::io_context ioc;
  asio::cancellation_signal signal;
  error_code result_ec;
  async_fetch_token(ioc.get_executor(), server.credentials(), options_for(server),
                    asio::bind_cancellation_slot(
                        signal.slot(), [&](error_code ec, fetch_result) { result_ec = ec; }));
  signal.emit(asio::cancellation_type::terminal);
  ioc.run();
  EXPECT_EQ(result_ec, asio::error::operation_aborted);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(FetchTokenAsync, ConcurrentFetchesShareOneClient) {
  local_token_server server;
  error_code ec;
  error_details details;
  auto client = detail::make_token_client(server.credentials(), options_for(server), ec, details);
  ASSERT_TRUE(client) << details.message;

  constexpr int count = 8;
  asio::io_context ioc(4);
  std::vector<outcome> outcomes(count);
  for (int i = 0; i < count; ++i) {
    detail::async_fetch(client, ioc.get_executor(), {},
                        [&outcomes, i](error_code e, fetch_result r) {
                          outcomes[static_cast<std::size_t>(i)].ec = e;
                          outcomes[static_cast<std::size_t>(i)].result = std::move(r);
                        });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] { ioc.run(); });
  for (auto& t : threads)
    t.join();

  std::set<std::string> tokens;
  for (const auto& o : outcomes) {
    EXPECT_FALSE(o.ec) << o.ec.message() << ": " << to_string(o.result.details);
    tokens.insert(o.result.token.value);
  }
  EXPECT_EQ(tokens.size(), static_cast<std::size_t>(count));
  EXPECT_EQ(server.tokens_issued(), static_cast<std::size_t>(count));
}

}  // namespace
}  // namespace here::oauth

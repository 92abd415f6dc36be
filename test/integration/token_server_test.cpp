// The local token server over real sockets, driven by a minimal Beast client written here (not the
// SDK's transport) and signed by the SDK's request_signer.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include "signing/signer.hpp"

#include "local_token_server.hpp"
#include "token_endpoint.hpp"

namespace here::oauth::test_support {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// ---- a minimal client ----

struct request_spec {
  std::string ip = "127.0.0.1";
  unsigned short port = 0;
  bool tls = true;
  std::filesystem::path ca_file;
  std::string host_header;
  std::string target = "/oauth2/token";
  std::string authorization;
  std::string content_type = "application/x-www-form-urlencoded";
  std::string body = "grant_type=client_credentials";
  std::chrono::milliseconds timeout = 20s;  // for the whole exchange: a failure guard only
  std::optional<std::chrono::milliseconds> read_timeout;  // for reading the answer, once sent
  std::size_t body_limit = 8 * 1024 * 1024;
};

struct http_result {
  boost::system::error_code ec;  ///< the first error (connect, handshake, write or read)
  bool header_done = false;
  http::response<http::string_body> response;
  steady::duration elapsed{};

  unsigned status() const { return response.result_int(); }
  std::string header(http::field f) const { return std::string(response[f]); }
  boost::json::object json() const { return boost::json::parse(response.body()).as_object(); }
};

template <class Stream>
asio::awaitable<void> talk(Stream& stream, const request_spec& spec, http_result& out) {
  http::request<http::string_body> request{http::verb::post, spec.target, 11};
  request.set(http::field::host, spec.host_header);
  if (!spec.authorization.empty())
    request.set(http::field::authorization, spec.authorization);
  if (!spec.content_type.empty())
    request.set(http::field::content_type, spec.content_type);
  request.set(http::field::user_agent, "token-server-test");
  request.body() = spec.body;
  request.keep_alive(false);
  request.prepare_payload();
  auto [wec, written] =
      co_await http::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
  if (wec) {
    out.ec = wec;
    co_return;
  }
  if (spec.read_timeout)
    beast::get_lowest_layer(stream).expires_after(*spec.read_timeout);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(spec.body_limit);
  auto [rec, read] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  out.ec = rec;
  out.header_done = parser.is_header_done();
  out.response = parser.release();
}

asio::awaitable<http_result> exchange(request_spec spec) {
  http_result out;
  const auto start = steady::now();
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream tcp(executor);
  tcp.expires_after(spec.timeout);
  const asio::ip::tcp::endpoint where(asio::ip::make_address(spec.ip), spec.port);
  auto [cec] = co_await tcp.async_connect(where, asio::as_tuple(asio::use_awaitable));
  if (cec) {
    out.ec = cec;
    co_return out;
  }
  if (!spec.tls) {
    co_await talk(tcp, spec, out);
  } else {
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(spec.ca_file.string());
    context.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), context);
    stream.set_verify_callback(asio::ssl::host_name_verification(spec.ip));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) {
      out.ec = hec;
      co_return out;
    }
    co_await talk(stream, spec, out);
  }
  out.elapsed = steady::now() - start;
  co_return out;
}

/// Runs one exchange on a fresh single-threaded io_context.
http_result run(request_spec spec) {
  asio::io_context io;
  auto result = asio::co_spawn(io, exchange(std::move(spec)), asio::use_future);
  io.run();
  return result.get();
}

/// Polls pred on a timer (never blocking the thread) until it holds; false after the guard.
asio::awaitable<bool> eventually(std::function<bool()> pred,
                                 std::chrono::milliseconds guard = 20s) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = steady::now() + guard;
  while (!pred()) {
    if (steady::now() > deadline)
      co_return false;
    timer.expires_after(2ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return true;
}

/// Runs eventually(pred) on a fresh io_context.
bool wait_until(std::function<bool()> pred) {
  asio::io_context io;
  auto done = asio::co_spawn(io, eventually(std::move(pred)), asio::use_future);
  io.run();
  return done.get();
}

std::string form(const parameter_list& params) {
  std::string out;
  for (const auto& [n, v] : params) {
    if (!out.empty())
      out += '&';
    out += percent_encode(n) + "=" + percent_encode(v);
  }
  return out;
}

const parameter_list client_credentials{{"grant_type", "client_credentials"}};

/// A scripted reply of the given kind, adjusted by tweak.
scripted_reply reply(fault what, const std::function<void(scripted_reply&)>& tweak = {}) {
  scripted_reply r;
  r.what = what;
  if (tweak)
    tweak(r);
  return r;
}

/// A request to the server signed by the SDK's request_signer.
request_spec signed_for(const local_token_server& server,
                        const parameter_list& body = client_credentials,
                        std::chrono::seconds clock_offset = {}, std::string nonce = {},
                        std::string secret_override = {}) {
  const credentials c = server.credentials();
  request_signer::nonce_source nonces;
  if (!nonce.empty())
    nonces = [nonce] { return nonce; };
  request_signer signer(c.access_key_id,
                        secret_override.empty() ? c.access_key_secret
                                                : secret_string(std::string_view(secret_override)),
                        {}, nonces);
  request_spec spec;
  const std::string url = server.url();
  spec.tls = url.rfind("https://", 0) == 0;
  const std::string host_start = url.substr(url.find("//") + 2);
  spec.host_header = host_start.substr(0, host_start.find('/'));
  spec.ip = spec.host_header.front() == '[' ? "::1" : "127.0.0.1";
  spec.port = server.port();
  spec.ca_file = server.ca_file();
  spec.authorization = signer.sign("POST", url, body, clock_offset).authorization_header;
  spec.body = form(body);
  return spec;
}

void expect_here_headers(const http_result& r) {
  EXPECT_FALSE(r.header(http::field::date).empty());
  EXPECT_TRUE(r.header(http::field::date).ends_with(" GMT")) << r.header(http::field::date);
  EXPECT_EQ(r.header(http::field::content_type), "application/json");
}

void expect_here_error(const http_result& r, unsigned status, std::int64_t code) {
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), status) << r.response.body();
  expect_here_headers(r);
  const auto body = r.json();
  EXPECT_EQ(body.at("httpStatus").as_int64(), status);
  EXPECT_EQ(body.at("errorCode").as_int64(), code);
  EXPECT_TRUE(std::string(body.at("errorId").as_string()).starts_with("ERROR-"));
  EXPECT_FALSE(body.at("message").as_string().empty());
}

// ---- normal answers ----

TEST(LocalTokenServer, IssuesATokenOfTheConfiguredSize) {
  server_options options;
  options.token_size = 1500;
  local_token_server server(options);
  EXPECT_EQ(server.url(), "https://127.0.0.1:" + std::to_string(server.port()) + "/oauth2/token");
  EXPECT_TRUE(std::filesystem::exists(server.ca_file()));

  const http_result r = run(signed_for(server));
  ASSERT_FALSE(r.ec) << r.ec.message();
  ASSERT_EQ(r.status(), 200U) << r.response.body();
  expect_here_headers(r);
  const auto body = r.json();
  const std::string token(body.at("access_token").as_string());
  EXPECT_EQ(token.size(), 1500U);
  EXPECT_EQ(body.at("token_type").as_string(), "bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 3600);
  EXPECT_FALSE(body.contains("scope"));

  EXPECT_EQ(server.request_count(), 1U);
  EXPECT_EQ(server.tokens_issued(), 1U);
  EXPECT_EQ(server.issued_tokens(), std::vector<std::string>{token});
  EXPECT_TRUE(server.rejected_error_codes().empty());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].user_agent, "token-server-test");
  EXPECT_EQ(seen[0].body, "grant_type=client_credentials");
  EXPECT_TRUE(seen[0].authorization.starts_with("OAuth "));
}

TEST(LocalTokenServer, EchoesScopeAndCapsTheLifetime) {
  local_token_server server;
  server.set_token_lifetime(120s);
  const http_result r =
      run(signed_for(server, {{"grant_type", "client_credentials"},
                              {"scope", "hrn:here:authorization::org:project/p"}}));
  ASSERT_EQ(r.status(), 200U) << r.response.body();
  EXPECT_EQ(r.json().at("scope").as_string(), "hrn:here:authorization::org:project/p");
  EXPECT_EQ(r.json().at("expires_in").as_int64(), 120);

  const http_result capped =
      run(signed_for(server, {{"grant_type", "client_credentials"}, {"expires_in", "30"}}));
  EXPECT_EQ(capped.json().at("expires_in").as_int64(), 30);

  server.push(reply(fault::none, [](scripted_reply& r) { r.expires_in = 7s; }));
  EXPECT_EQ(run(signed_for(server)).json().at("expires_in").as_int64(), 7);
  EXPECT_EQ(server.tokens_issued(), 3U);
}

TEST(LocalTokenServer, WrongSecretIsASignatureMismatch) {
  local_token_server server;
  const http_result r = run(signed_for(server, client_credentials, {}, {}, "not-the-secret"));
  expect_here_error(r, 401, 401300);
  EXPECT_EQ(r.json().at("message").as_string(),
            "Signature mismatch. Authorization signature or client credential is wrong.");
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"401300"});
  EXPECT_EQ(server.tokens_issued(), 0U);
}

TEST(LocalTokenServer, RejectsMissingAndMalformedHeaders) {
  local_token_server server;
  request_spec none = signed_for(server);
  none.authorization.clear();
  expect_here_error(run(none), 401, 401200);
  request_spec bearer = signed_for(server);
  bearer.authorization = "Bearer abc";
  expect_here_error(run(bearer), 401, 401202);
  request_spec duplicated = signed_for(server);
  duplicated.authorization += ", oauth_nonce=\"again\"";
  expect_here_error(run(duplicated), 401, 401202);
  EXPECT_EQ(server.rejected_error_codes(),
            (std::vector<std::string>{"401200", "401202", "401202"}));
}

TEST(LocalTokenServer, ShiftedClockRejectsTheTimestampAndDatesItsAnswers) {
  server_options options;
  options.clock_shift = 3600s;
  local_token_server server(options);
  const auto before = std::chrono::floor<std::chrono::seconds>(server.now());
  const http_result r = run(signed_for(server));
  const auto after = server.now();
  expect_here_error(r, 401, 401204);
  EXPECT_EQ(r.json().at("message").as_string(), "Time stamp is outside the valid period.");
  // The Date header is the server's (shifted) clock.
  std::set<std::string> possible;
  for (auto t = before; t <= after; t += 1s)
    possible.insert(format_http_date(t));
  EXPECT_TRUE(possible.contains(r.header(http::field::date))) << r.header(http::field::date);

  // A client that learnt the offset is accepted; after the shift is undone, so is a plain one.
  EXPECT_EQ(run(signed_for(server, client_credentials, 3600s)).status(), 200U);
  server.set_clock_shift(0s);
  EXPECT_EQ(run(signed_for(server)).status(), 200U);
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"401204"});
}

TEST(LocalTokenServer, RejectsAReplayedNonce) {
  local_token_server server;
  const request_spec once = signed_for(server, client_credentials, {}, "the-same-nonce-each-time");
  EXPECT_EQ(run(once).status(), 200U);
  expect_here_error(run(once), 401, 401207);
  EXPECT_EQ(server.rejected_error_codes(),
            std::vector<std::string>{std::string(error_codes::nonce_replayed)});
  EXPECT_EQ(server.request_count(), 2U);
  EXPECT_EQ(server.tokens_issued(), 1U);
}

TEST(LocalTokenServer, CountsRequestsAndIssuesUniqueTokensOnSeveralThreads) {
  server_options options;
  options.threads = 4;
  local_token_server server(options);
  asio::io_context io;
  std::vector<std::future<http_result>> results;
  for (int i = 0; i < 8; ++i) {
    results.push_back(asio::co_spawn(io, exchange(signed_for(server)), asio::use_future));
  }
  io.run();
  std::set<std::string> tokens;
  for (auto& f : results) {
    const http_result r = f.get();
    ASSERT_EQ(r.status(), 200U) << r.ec.message();
    tokens.insert(std::string(r.json().at("access_token").as_string()));
  }
  EXPECT_EQ(tokens.size(), 8U);
  EXPECT_EQ(server.request_count(), 8U);
  EXPECT_EQ(server.connection_count(), 8U);
  EXPECT_EQ(server.tokens_issued(), 8U);
  EXPECT_GE(server.max_concurrent_requests(), 1U);
}

TEST(LocalTokenServer, MeasuresConcurrentRequests) {
  std::optional<local_token_server> server(std::in_place);
  for (int i = 0; i < 3; ++i)
    server->push(reply(fault::hang));
  asio::io_context io;
  std::vector<std::future<http_result>> hanging;
  for (int i = 0; i < 3; ++i) {
    hanging.push_back(asio::co_spawn(io, exchange(signed_for(*server)), asio::use_future));
  }
  std::size_t most = 0;
  auto watcher = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<bool> {
        const bool all_in = co_await eventually([&] { return server->request_count() == 3; });
        most = server->max_concurrent_requests();
        server.reset();  // closes the hanging connections
        co_return all_in;
      },
      asio::use_future);
  io.run();
  EXPECT_TRUE(watcher.get());
  EXPECT_EQ(most, 3U);
  for (auto& f : hanging)
    EXPECT_TRUE(f.get().ec);  // closed by the server, not answered
}

// ---- faults ----

TEST(LocalTokenServerFaults, StatusWithHereBodyAndRetryAfter) {
  local_token_server server;
  server.push(reply(fault::status, [](scripted_reply& r) {
    r.status = 503;
    r.retry_after = 7s;
  }));
  server.push(reply(fault::status, [](scripted_reply& r) {
    r.status = 403;
    r.body = R"({"errorCode":403099})";
  }));
  server.push(reply(fault::status, [](scripted_reply& r) { r.status = 500; }));

  const http_result r = run(signed_for(server));
  expect_here_error(r, 503, 503000);
  EXPECT_EQ(r.header(http::field::retry_after), "7");

  const http_result custom = run(signed_for(server));
  EXPECT_EQ(custom.status(), 403U);
  EXPECT_EQ(custom.response.body(), R"({"errorCode":403099})");
  expect_here_headers(custom);

  const http_result plain = run(signed_for(server));
  expect_here_error(plain, 500, 500000);
  EXPECT_TRUE(plain.header(http::field::retry_after).empty());

  EXPECT_EQ(run(signed_for(server)).status(), 200U);  // the queue is empty: a normal answer
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"403099"});
  EXPECT_EQ(server.request_count(), 4U);
  EXPECT_EQ(server.pending_replies(), 0U);
}

TEST(LocalTokenServerFaults, RateLimitedSays429WithRetryAfter) {
  local_token_server server;
  server.push(reply(fault::rate_limited, [](scripted_reply& r) { r.retry_after = 30s; }));
  server.push(reply(fault::rate_limited));
  const http_result r = run(signed_for(server));
  expect_here_error(r, 429, 429002);
  EXPECT_EQ(r.header(http::field::retry_after), "30");
  EXPECT_EQ(run(signed_for(server)).header(http::field::retry_after), "1");
  EXPECT_EQ(server.rejected_error_codes(), (std::vector<std::string>{"429002", "429002"}));
}

TEST(LocalTokenServerFaults, HangNeedsAClientSideTimeout) {
  local_token_server server;
  server.push(reply(fault::hang));
  request_spec spec = signed_for(server);
  spec.read_timeout = 300ms;
  const http_result r = run(spec);
  EXPECT_EQ(r.ec, beast::error::timeout) << r.ec.message();
  EXPECT_FALSE(r.header_done);
  EXPECT_TRUE(wait_until([&] { return server.request_count() == 1; }));
  EXPECT_EQ(server.tokens_issued(), 0U);
  // The next request is answered normally.
  EXPECT_EQ(run(signed_for(server)).status(), 200U);
}

TEST(LocalTokenServerFaults, CloseBeforeResponseSendsNothing) {
  local_token_server server;
  server.push(reply(fault::close_before_response));
  const http_result r = run(signed_for(server));
  EXPECT_TRUE(r.ec);
  EXPECT_FALSE(r.header_done);
  EXPECT_EQ(server.request_count(), 1U);
}

TEST(LocalTokenServerFaults, CloseMidResponseCutsTheBody) {
  local_token_server server;
  server.push(reply(fault::close_mid_response));
  const http_result r = run(signed_for(server));
  EXPECT_TRUE(r.ec) << "a complete answer arrived";
  ASSERT_TRUE(r.header_done);
  EXPECT_EQ(r.status(), 200U);
  EXPECT_LT(r.response.body().size(), std::stoul(r.header(http::field::content_length)));
  EXPECT_EQ(server.tokens_issued(), 0U);
}

TEST(LocalTokenServerFaults, OversizedBody) {
  server_options options;
  options.oversized_body_bytes = 300 * 1000;
  local_token_server server(options);
  server.push(reply(fault::oversized_body));
  server.push(reply(fault::oversized_body));
  const http_result r = run(signed_for(server));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), 200U);
  EXPECT_EQ(r.response.body().size(), 300U * 1000U);
  EXPECT_EQ(r.header(http::field::content_length), "300000");
  EXPECT_TRUE(r.json().contains("access_token"));  // well-formed, only too big

  request_spec limited = signed_for(server);
  limited.body_limit = 64 * 1024;
  EXPECT_EQ(run(limited).ec, http::error::body_limit);
}

TEST(LocalTokenServerFaults, MalformedNonJsonAndIncompleteBodies) {
  local_token_server server;
  server.push(reply(fault::malformed_json));
  server.push(reply(fault::non_json_body));
  server.push(reply(fault::non_json_body, [](scripted_reply& r) { r.body = "<p>custom</p>"; }));
  server.push(reply(fault::missing_fields));

  const http_result malformed = run(signed_for(server));
  EXPECT_EQ(malformed.status(), 200U);
  EXPECT_EQ(malformed.response.body(), R"({"access_token": "abc",)");
  boost::system::error_code ec;
  boost::json::parse(malformed.response.body(), ec);
  EXPECT_TRUE(ec);

  const http_result html = run(signed_for(server));
  EXPECT_EQ(html.status(), 200U);
  EXPECT_TRUE(html.header(http::field::content_type).starts_with("text/html"));
  EXPECT_TRUE(html.response.body().starts_with("<!DOCTYPE html>"));
  EXPECT_EQ(run(signed_for(server)).response.body(), "<p>custom</p>");

  const http_result missing = run(signed_for(server));
  EXPECT_EQ(missing.status(), 200U);
  EXPECT_FALSE(missing.json().contains("access_token"));
  EXPECT_EQ(server.tokens_issued(), 0U);
}

TEST(LocalTokenServerFaults, DelayAndTrickleStillAnswerNormally) {
  server_options options;
  options.token_size = 100;
  local_token_server server(options);
  server.push(reply(fault::delay, [](scripted_reply& r) { r.delay = 150ms; }));
  server.push(reply(fault::trickle, [](scripted_reply& r) { r.delay = 1ms; }));

  const http_result delayed = run(signed_for(server));
  ASSERT_EQ(delayed.status(), 200U) << delayed.ec.message();
  EXPECT_GE(delayed.elapsed, 150ms);  // timers never fire early

  const http_result trickled = run(signed_for(server));
  ASSERT_EQ(trickled.status(), 200U) << trickled.ec.message();
  EXPECT_EQ(trickled.json().at("access_token").as_string().size(), 100U);
  // One byte per millisecond: at least as many milliseconds as bytes after the first.
  EXPECT_GE(trickled.elapsed, std::chrono::milliseconds(trickled.response.body().size()));
  EXPECT_EQ(server.tokens_issued(), 2U);
}

TEST(LocalTokenServerFaults, RedirectPointsElsewhere) {
  local_token_server server;
  server.push(reply(fault::redirect));
  server.push(reply(fault::redirect,
                    [](scripted_reply& r) { r.location = "https://example.com/oauth2/token"; }));
  const http_result r = run(signed_for(server));
  EXPECT_EQ(r.status(), 302U);
  EXPECT_EQ(r.header(http::field::location), server.origin() + "/redirected/oauth2/token");
  EXPECT_EQ(run(signed_for(server)).header(http::field::location),
            "https://example.com/oauth2/token");
  EXPECT_EQ(server.tokens_issued(), 0U);
}

TEST(LocalTokenServerFaults, RandomFaultsAreReproducible) {
  auto faults = [](double probability, std::uint64_t seed) {
    local_token_server server;
    server.set_fault_rate(probability, seed);
    for (int i = 0; i < 12; ++i) {
      request_spec spec = signed_for(server);
      spec.read_timeout = 300ms;  // what the client sees does not matter here
      run(spec);
      // One request at a time: each draws its fault in order.
      EXPECT_TRUE(wait_until([&] { return server.request_count() == std::size_t(i) + 1; }));
    }
    EXPECT_EQ(server.request_count(), 12U);
    std::vector<fault> applied;
    for (const auto& r : server.requests())
      applied.push_back(r.applied);
    return applied;
  };
  const auto first = faults(1.0, 7);
  EXPECT_EQ(first, faults(1.0, 7));
  EXPECT_NE(first, faults(1.0, 8));
  EXPECT_EQ(std::count(first.begin(), first.end(), fault::none), 0);
  EXPECT_EQ(faults(0.0, 7), std::vector<fault>(12, fault::none));
}

// ---- transports and lifetime ----

TEST(LocalTokenServer, ServesIpv6OnLoopback) {
  server_options options;
  options.host = "::1";
  std::optional<local_token_server> server;
  try {
    server.emplace(options);
  } catch (const boost::system::system_error& e) {
    GTEST_SKIP() << "cannot bind [::1]: " << e.what();
  }
  EXPECT_EQ(server->url(), "https://[::1]:" + std::to_string(server->port()) + "/oauth2/token");
  const request_spec spec = signed_for(*server);
  EXPECT_EQ(spec.host_header, "[::1]:" + std::to_string(server->port()));
  const http_result r = run(spec);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), 200U) << r.response.body();
}

TEST(LocalTokenServer, ServesPlainHttpWhenAsked) {
  server_options options;
  options.plain_http = true;
  local_token_server server(options);
  EXPECT_TRUE(server.url().starts_with("http://127.0.0.1:"));
  const request_spec spec = signed_for(server);
  EXPECT_FALSE(spec.tls);
  const http_result r = run(spec);
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.status(), 200U) << r.response.body();
}

TEST(LocalTokenServer, RefusesClientsThatDoNotTrustItsCa) {
  local_token_server server;
  local_token_server other;
  request_spec spec = signed_for(server);
  spec.ca_file = other.ca_file();
  const http_result r = run(spec);
  EXPECT_TRUE(r.ec);
  EXPECT_EQ(server.request_count(), 0U);
}

TEST(LocalTokenServer, WritesCredentialsTheSdkCanLoad) {
  local_token_server server;
  const auto file = server.ca_file().parent_path() / "credentials.properties";
  server.write_credentials_file(file);
  const credentials loaded = load_credentials(file);
  EXPECT_EQ(loaded.access_key_id, "test-access-key-id");
  EXPECT_EQ(loaded.access_key_secret.reveal(), "test/secret+with=reserved&chars~");
  EXPECT_EQ(loaded.token_endpoint_url, server.url());
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(LocalTokenServer, DestructorClosesHangingConnectionsPromptly) {
  std::optional<local_token_server> server(std::in_place);
  const std::filesystem::path temp_dir = server->ca_file().parent_path();
  server->push(reply(fault::hang));
  asio::io_context io;
  auto hanging = asio::co_spawn(io, exchange(signed_for(*server)), asio::use_future);
  steady::duration destruction{};
  auto stopper = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<bool> {
        const bool arrived = co_await eventually([&] { return server->request_count() == 1; });
        const auto start = steady::now();
        server.reset();
        destruction = steady::now() - start;
        co_return arrived;
      },
      asio::use_future);
  io.run();
  EXPECT_TRUE(stopper.get());
  const http_result r = hanging.get();
  EXPECT_TRUE(r.ec);
  EXPECT_NE(r.ec, beast::error::timeout) << "the server did not close the connection";
  EXPECT_LT(destruction, 5s);
  EXPECT_FALSE(std::filesystem::exists(temp_dir));
}

}  // namespace
}  // namespace here::oauth::test_support

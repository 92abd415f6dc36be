// SPDX-License-Identifier: Apache-2.0
// The local token server over real sockets, driven by a minimal Beast client written here (not the
// SDK's transport, token_server_client.hpp) and signed by the SDK's request_signer: its normal
// answers, its counters, IPv6, plain HTTP and its life cycle. Its faults:
// token_server_faults_test.cpp.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "local_token_server.hpp"
#include "token_endpoint.hpp"
#include "token_server_client.hpp"

namespace here::oauth::test_support {
using namespace here::oauth::detail;  // the SDK's signer and percent-encoding (src/)
namespace {

using namespace std::chrono_literals;

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

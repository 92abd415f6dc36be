// SPDX-License-Identifier: Apache-2.0
// The local token server's scripted and random faults over real sockets, seen by the minimal Beast
// client of token_server_client.hpp: what each fault sends, cuts or withholds.

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

}  // namespace
}  // namespace here::oauth::test_support

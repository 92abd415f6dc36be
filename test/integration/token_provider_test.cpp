// SPDX-License-Identifier: Apache-2.0
// token_provider end to end: real TLS to the local HERE-compatible token server on loopback.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth/token_provider.hpp>

#include "local_token_server.hpp"
#include "provider_harness.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test_support::fault;
using test_support::fault_reply;
using test_support::local_token_server;
using test_support::rate_limited_reply;
using test_support::scripted_reply;
using test_support::server_options;
using test_support::status_reply;

using test_support::event_log;
using test_support::options_for;
using test_support::run_until;

TEST(TokenProviderEndToEnd, FetchesATokenOverVerifiedTls) {
  local_token_server server;
  asio::io_context io;
  token_provider provider(io.get_executor(), server.credentials(), options_for(server));
  std::optional<access_token> got;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { got = co_await provider.token(); }, asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_EQ(got->value.size(), 900u);
  EXPECT_EQ(got->token_type, "bearer");
  EXPECT_GT(got->expires_at, std::chrono::system_clock::now() + 3500s);
  EXPECT_EQ(got->authorization_header(), "Bearer " + got->value);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.issued_tokens().at(0), got->value);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, HundredThousandConcurrentCallersMakeOneRequest) {
  local_token_server server;
  asio::io_context io;
  token_provider provider(io.get_executor(), server.credentials(), options_for(server));
  constexpr int callers = 100000;
  int got = 0;
  for (int i = 0; i < callers; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto t = co_await provider.token();
          got += !t.value.empty();
        },
        asio::detached);
  }
  ASSERT_TRUE(run_until(
      io, [&] { return got == callers; }, 60s));
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(provider.stats().requests, 1u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, ConcurrentCallersOnFourThreadsMakeOneRequest) {
  local_token_server server;
  asio::thread_pool pool(4);
  token_provider provider(pool.get_executor(), server.credentials(), options_for(server));
  constexpr int callers = 20000;
  std::atomic<int> got{0};
  for (int i = 0; i < callers; ++i) {
    asio::co_spawn(
        pool,
        [&]() -> asio::awaitable<void> {
          auto t = co_await provider.token();
          got += !t.value.empty();
        },
        asio::detached);
  }
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (got < callers && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  EXPECT_EQ(got.load(), callers);
  EXPECT_EQ(server.request_count(), 1u);
  provider.cancel();
  pool.join();  // returns: cancel() left no timer or request behind
}

TEST(TokenProviderEndToEnd, RefreshesProactivelyBeforeExpiryWithoutAnyCaller) {
  server_options so;
  so.token_lifetime = 2s;  // soft point after 1 s, hard point after 1.8 s
  local_token_server server(so);
  asio::io_context io;
  event_log log;
  auto options = options_for(server);
  options.on_event = log.callback();
  token_provider provider(io.get_executor(), server.credentials(), options);
  provider.async_token([](error_code, access_token) {});
  ASSERT_TRUE(
      run_until(io, [&] { return log.count(provider_event::kind::request_succeeded) >= 3; }));
  EXPECT_EQ(provider.stats().waits, 1u);  // only the very first call ever waited
  EXPECT_EQ(server.tokens_issued(), 3u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, CallersAreServedFromCacheWhileARefreshHangs) {
  server_options so;
  so.token_lifetime = 4s;
  local_token_server server(so);
  asio::io_context io;
  event_log log;
  auto options = options_for(server);
  options.on_event = log.callback();
  options.request_timeout = 1500ms;
  token_provider provider(io.get_executor(), server.credentials(), options);
  std::optional<access_token> first;
  provider.async_token([&](error_code, access_token t) { first = t; });
  ASSERT_TRUE(run_until(io, [&] { return first.has_value(); }));
  server.push(fault_reply(fault::hang));
  // Wait for the proactive refresh to start; it hangs until the request timeout.
  ASSERT_TRUE(run_until(io, [&] { return server.request_count() == 2; }));
  const auto waits_before = provider.stats().waits;
  int served = 0;
  for (int i = 0; i < 1000; ++i) {
    provider.async_token(
        [&](error_code ec, access_token t) { served += !ec && t.value == first->value; });
  }
  ASSERT_TRUE(run_until(io, [&] { return served == 1000; }));
  EXPECT_EQ(log.count(provider_event::kind::request_succeeded), 1u);  // the refresh still hangs
  EXPECT_EQ(provider.stats().waits, waits_before);
  // The hung request times out and is retried in the background.
  ASSERT_TRUE(
      run_until(io, [&] { return log.count(provider_event::kind::request_succeeded) == 2; }));
  EXPECT_EQ(log.count(provider_event::kind::request_failed), 1u);
  EXPECT_NE(provider.cached()->value, first->value);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, ClockSkewIsCorrectedOnceAndRemembered) {
  server_options so;
  so.clock_shift = 3600s;  // the server is an hour ahead of us
  local_token_server server(so);
  asio::io_context io;
  token_provider provider(io.get_executor(), server.credentials(), options_for(server));
  std::optional<access_token> got;
  provider.async_token([&](error_code ec, access_token t) {
    if (!ec)
      got = t;
  });
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"401204"});
  // Later requests are signed with the learnt offset: no rejected request any more.
  provider.invalidate(*got);
  got.reset();
  provider.async_token([&](error_code ec, access_token t) {
    if (!ec)
      got = t;
  });
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(server.rejected_error_codes().size(), 1u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, ABadKeyIsReportedWithHeresDetailsAndNotHammered) {
  local_token_server server;
  auto creds = server.credentials();
  creds.access_key_secret = secret_string(std::string_view("not-the-secret"));
  asio::io_context io;
  token_provider provider(io.get_executor(), creds, options_for(server));
  std::vector<std::string> errors;
  auto call = [&]() -> asio::awaitable<void> {
    try {
      co_await provider.token();
    } catch (const token_error& e) {
      errors.push_back(e.details().error_code + "|" + e.what());
      EXPECT_EQ(e.code(), error::signature_rejected);
      EXPECT_EQ(e.details().http_status, 401u);
      EXPECT_FALSE(e.details().error_id.empty());
    }
  };
  asio::co_spawn(io, call, asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return errors.size() == 1; }));
  for (int i = 0; i < 50; ++i)
    asio::co_spawn(io, call, asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return errors.size() == 51; }));
  EXPECT_EQ(server.request_count(), 1u);  // every later caller got the cached error
  EXPECT_EQ(errors[0].substr(0, 7), "401300|");
  for (const auto& e : errors)
    EXPECT_EQ(e.find("not-the-secret"), std::string::npos);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, TransientFailuresTimeoutsAndDroppedConnectionsAreRetried) {
  local_token_server server;
  server.push(status_reply(503));
  server.push(fault_reply(fault::close_mid_response));
  server.push(fault_reply(fault::hang));
  server.push(fault_reply(fault::close_before_response));
  asio::io_context io;
  auto options = options_for(server);
  options.request_timeout = 500ms;
  options.retry.max_attempts = 5;
  token_provider provider(io.get_executor(), server.credentials(), options);
  std::optional<access_token> got;
  provider.async_token([&](error_code ec, access_token t) {
    if (!ec)
      got = t;
  });
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_EQ(provider.stats().retries, 4u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, RetryAfterIsWaitedFor) {
  local_token_server server;
  server.push(rate_limited_reply(1s));
  asio::io_context io;
  token_provider provider(io.get_executor(), server.credentials(), options_for(server));
  std::optional<access_token> got;
  const auto start = std::chrono::steady_clock::now();
  provider.async_token([&](error_code ec, access_token t) {
    if (!ec)
      got = t;
  });
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);  // never sooner than the server asked
  EXPECT_EQ(server.request_count(), 2u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, ANonJsonOkIsAMalformedResponseNotAMadeUpServerError) {
  local_token_server server;
  for (int i = 0; i < 2; ++i)
    server.push(fault_reply(fault::non_json_body));
  asio::io_context io;
  auto options = options_for(server);
  options.retry.max_attempts = 2;
  token_provider provider(io.get_executor(), server.credentials(), options);
  error_code got;
  provider.async_token([&](error_code ec, access_token) { got = ec; });
  ASSERT_TRUE(run_until(io, [&] { return bool(got); }));
  EXPECT_EQ(got, error::malformed_response);
  EXPECT_EQ(server.request_count(), 2u);
  provider.cancel();
}

TEST(TokenProviderEndToEnd, DestroyingTheProviderLetsRunReturn) {
  local_token_server server;
  asio::io_context io;
  std::optional<access_token> got;
  {
    token_provider provider(io.get_executor(), server.credentials(), options_for(server));
    provider.async_token([&](error_code ec, access_token t) {
      if (!ec)
        got = t;
    });
    ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  }
  io.restart();
  io.run();  // the refresh timer is gone with the provider
  SUCCEED();
}

TEST(TokenProviderEndToEnd, CancelDuringAHangingRequestAbortsItPromptly) {
  local_token_server server;
  server.push(fault_reply(fault::hang));
  asio::io_context io;
  auto options = options_for(server);
  options.request_timeout = 60s;  // only cancellation can end the request in time
  token_provider provider(io.get_executor(), server.credentials(), options);
  int aborted = 0;
  for (int i = 0; i < 3; ++i) {
    provider.async_token(
        [&](error_code ec, access_token) { aborted += ec == asio::error::operation_aborted; });
  }
  ASSERT_TRUE(run_until(io, [&] { return server.request_count() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  provider.cancel();
  io.restart();
  io.run();  // returns once the transport has given up the connection
  EXPECT_EQ(aborted, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // a guard, far below the 60 s deadline
}

TEST(TokenProviderEndToEnd, DestroyingTheProviderDuringAHangingRequestLetsRunReturn) {
  local_token_server server;
  server.push(fault_reply(fault::hang));
  asio::io_context io;
  auto options = options_for(server);
  options.request_timeout = 60s;
  error_code got;
  {
    token_provider provider(io.get_executor(), server.credentials(), options);
    provider.async_token([&](error_code ec, access_token) { got = ec; });
    ASSERT_TRUE(run_until(io, [&] { return server.request_count() == 1; }));
  }
  io.restart();
  io.run();
  EXPECT_EQ(got, asio::error::operation_aborted);
}

}  // namespace
}  // namespace here::oauth

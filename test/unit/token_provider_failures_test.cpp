// SPDX-License-Identifier: Apache-2.0
// token_provider's failure handling over a transport the test controls: the server's details,
// retries, Retry-After, the clock skew retry, expired answers and invalid options, checked
// deterministically (token_provider_test.cpp has the rest; provider_timeline_test.cpp the same on a
// manual clock).
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider/provider_access.hpp"
#include "provider_test_util.hpp"
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

using test::fast_retries;
using test::scripted_transport;
using test::settle;

TEST(TokenProvider, ErrorsCarryTheServersDetailsAndAreServedDuringTheBackoff) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), fast_retries());
  std::optional<token_error> caught;
  auto call = [&]() -> asio::awaitable<void> {
    try {
      co_await provider.token();
    } catch (const token_error& e) {
      caught = e;
    }
  };
  asio::co_spawn(io, call, asio::detached);
  settle(io);
  fetch_result rejected;
  rejected.details.http_status = 401;
  rejected.details.error_code = "401300";
  rejected.details.error_id = "ERROR-abc";
  rejected.details.message = "Signature mismatch.";
  transport.finish(0, error::signature_rejected, rejected);
  settle(io);
  ASSERT_TRUE(caught);
  EXPECT_EQ(caught->code(), error::signature_rejected);
  EXPECT_EQ(caught->details().error_code, "401300");
  EXPECT_EQ(caught->details().http_status, 401u);
  EXPECT_NE(std::string(caught->what()).find("401300"), std::string::npos);

  // A bad key must not hammer the endpoint: the next callers get the error without a request.
  caught.reset();
  for (int i = 0; i < 100; ++i)
    asio::co_spawn(io, call, asio::detached);
  settle(io);
  ASSERT_TRUE(caught);
  EXPECT_EQ(caught->details().error_code, "401300");
  EXPECT_EQ(transport.requests(), 1u);
  provider.cancel();
}

TEST(TokenProvider, TransientFailuresAreRetriedWithFreshRequestsUntilSuccess) {
  asio::io_context io;
  scripted_transport transport;
  std::vector<provider_event> events;
  provider_options options = fast_retries();
  options.on_event = [&](const provider_event& e) { events.push_back(e); };
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), options);
  std::string got;
  provider.async_token([&](error_code ec, access_token t) { got = ec ? ec.message() : t.value; });
  settle(io);
  transport.finish(0, error::server_error, {});
  while (transport.requests() < 2)
    io.run_one();  // the backoff timer
  transport.finish(1, error::timeout, {});
  while (transport.requests() < 3)
    io.run_one();
  transport.finish(2, {}, scripted_transport::token("third time"));
  settle(io);
  EXPECT_EQ(got, "third time");
  EXPECT_EQ(provider.stats().requests, 3u);
  EXPECT_EQ(provider.stats().retries, 2u);
  EXPECT_EQ(provider.stats().failures, 2u);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].type, provider_event::kind::request_started);
  EXPECT_EQ(events[1].type, provider_event::kind::request_failed);
  EXPECT_EQ(events[1].error, error::server_error);
  EXPECT_GE(events[1].retry_in.count(), 0);
  EXPECT_EQ(events[4].attempt, 3u);
  EXPECT_EQ(events[5].type, provider_event::kind::request_succeeded);
  EXPECT_EQ(events[5].token_preview.find("third time"), std::string::npos);
  provider.cancel();
}

TEST(TokenProvider, WaitersGetTheErrorWhenRetriesAreExhausted) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), fast_retries());
  error_code got;
  provider.async_token([&](error_code ec, access_token) { got = ec; });
  settle(io);
  for (std::size_t i = 0; i < 3; ++i) {
    while (transport.requests() <= i)
      io.run_one();
    transport.finish(i, boost::asio::error::connection_refused, {});
  }
  settle(io);
  EXPECT_EQ(got, boost::asio::error::connection_refused);
  EXPECT_EQ(transport.requests(), 3u);
  provider.cancel();
}

TEST(TokenProvider, RetryAfterSetsTheNextAttempt) {
  asio::io_context io;
  scripted_transport transport;
  std::chrono::milliseconds retry_in{-1};
  provider_options options = fast_retries();
  options.on_event = [&](const provider_event& e) {
    if (e.type == provider_event::kind::request_failed)
      retry_in = e.retry_in;
  };
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), options);
  provider.async_token([](error_code, access_token) {});
  settle(io);
  fetch_result limited;
  limited.details.http_status = 429;
  limited.details.retry_after = 7s;
  transport.finish(0, error::rate_limited, limited);
  settle(io);
  EXPECT_EQ(retry_in, 7000ms);
  EXPECT_EQ(transport.requests(), 1u);
  provider.cancel();
}

TEST(TokenProvider, TimestampRejectionIsRetriedOnceWithTheServersClockWhichIsKept) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), fast_retries());
  std::string got;
  provider.async_token([&](error_code ec, access_token t) { got = ec ? ec.message() : t.value; });
  settle(io);
  fetch_result skewed;
  skewed.sent_at = std::chrono::system_clock::now();
  skewed.server_date = skewed.sent_at + 1h;
  skewed.details.http_status = 401;
  skewed.details.error_code = "401204";
  transport.finish(0, error::timestamp_rejected, skewed);
  settle(io);
  ASSERT_EQ(transport.requests(), 2u);  // at once, no backoff
  transport.finish(1, {}, scripted_transport::token("in time"));
  settle(io);
  EXPECT_EQ(got, "in time");
  provider.invalidate(*provider.cached());
  settle(io);
  ASSERT_EQ(transport.requests(), 3u);
  auto offsets = transport.offsets();
  EXPECT_EQ(offsets[0], 0s);
  EXPECT_NEAR(offsets[1].count(), 3600, 1);
  EXPECT_NEAR(offsets[2].count(), 3600, 1);  // kept for later requests
  provider.cancel();
}

TEST(TokenProvider, ATokenThatExpiredOnArrivalIsNotHandedOut) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(io.get_executor(), transport.function(), fast_retries());
  error_code got;
  provider.async_token([&](error_code ec, access_token) { got = ec; });
  settle(io);
  for (std::size_t i = 0; i < 3; ++i) {
    while (transport.requests() <= i)
      io.run_one();
    transport.finish(i, {}, scripted_transport::token("dead", 0s));
  }
  settle(io);
  EXPECT_EQ(got, error::malformed_response);
  EXPECT_FALSE(provider.cached());
  provider.cancel();
}

TEST(TokenProvider, InvalidOptionsAreRejectedWithAClearError) {
  asio::io_context io;
  provider_options options;
  options.retry.base_delay = 0ms;
  try {
    token_provider provider = detail::provider_access::make(
        io.get_executor(), [](auto, auto, auto) {}, options);
    FAIL() << "expected token_error";
  } catch (const token_error& e) {
    EXPECT_EQ(e.code(), error::invalid_option);
    EXPECT_NE(std::string(e.what()).find("retry.base_delay"), std::string::npos);
  }
}

}  // namespace
}  // namespace here::oauth

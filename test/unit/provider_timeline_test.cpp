// SPDX-License-Identifier: Apache-2.0
// The provider's timeline on a manual clock: the real shell (strand, timer, waiters, events) over a
// scripted transport, with time moved by the test. Hours and days of a provider's life run in no
// time, and every delay is checked to the millisecond (the jitter draws a fixed 0.5).
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "manual_clock.hpp"
#include "provider/provider_access.hpp"
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test::manual_clock;
using test::scripted_transport;

/// What one async_token call got.
struct outcome {
  bool done = false;
  error_code ec;
  access_token token;
  error_details details;
};

struct ProviderTimeline : ::testing::Test {
  asio::io_context io;
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
  scripted_transport transport;
  std::vector<provider_event> events;
  std::unique_ptr<token_provider> provider;

  static provider_options retries() {
    provider_options o;
    o.refresh_ahead = 300s;  // explicit: the soft point of the default is provider_spread_test's
    o.max_wait = 1min;
    o.retry.base_delay = 200ms;
    o.retry.max_delay = 30s;
    o.retry.max_attempts = 4;
    o.retry.permanent_error_backoff = 30s;
    return o;
  }

  void make(provider_options o = retries()) {
    o.on_event = [this](const provider_event& e) { events.push_back(e); };
    provider = detail::provider_access::make_unique(io.get_executor(), transport.function(), o,
                                                    {clock, [] { return 0.5; }});
  }
  ~ProviderTimeline() override {
    if (provider)
      provider->cancel();
    test::settle(io);
  }

  void advance(std::chrono::steady_clock::duration d) { clock->advance(d, io); }
  void settle() { test::settle(io); }

  std::shared_ptr<outcome> call() {
    auto o = std::make_shared<outcome>();
    provider->async_token(o->details, [o](error_code ec, access_token t) {
      o->done = true;
      o->ec = ec;
      o->token = std::move(t);
    });
    return o;
  }
  /// Answers request i with a token of `lifetime`, sent now (on the manual clock).
  void answer(std::size_t i, const std::string& value, std::chrono::seconds lifetime = 3600s) {
    transport.finish(i, {}, test::token_sent_at(value, lifetime, clock->wall_now()));
    settle();
  }
  void refuse(std::size_t i, error_code ec, fetch_result r = {}) {
    if (r.sent_at == std::chrono::system_clock::time_point{})
      r.sent_at = clock->wall_now();
    transport.finish(i, ec, std::move(r));
    settle();
  }
  std::string cached() {
    auto t = provider->cached();
    return t ? t->value : "(none)";
  }
  const provider_event& last_failure() {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->type == provider_event::kind::request_failed)
        return *it;
    throw std::runtime_error("no failure");
  }
};

TEST_F(ProviderTimeline, TheFirstCallersShareOneRequest) {
  make();
  auto a = call();
  auto b = call();
  settle();
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_FALSE(a->done);
  answer(0, "t1");
  ASSERT_TRUE(a->done && b->done);
  EXPECT_EQ(a->token.value, "t1");
  EXPECT_EQ(b->token.value, "t1");
  EXPECT_EQ(cached(), "t1");
  EXPECT_EQ(provider->stats().waits, 2u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, provider_event::kind::request_started);
  EXPECT_EQ(events[1].type, provider_event::kind::request_succeeded);
  EXPECT_EQ(clock->next_deadline(), manual_clock::start + 3300s);  // the soft point
}

TEST_F(ProviderTimeline, TheTimerRefreshesAtTheSoftPointWhileCallersGetTheCachedToken) {
  make();
  call();
  settle();
  answer(0, "t1");
  advance(3299s);
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_EQ(call()->token.value, "");  // a hit completes later, posted
  auto hit = call();
  settle();
  EXPECT_EQ(hit->token.value, "t1");

  advance(1s);  // the soft point: the timer starts the refresh, nobody calls
  ASSERT_EQ(transport.requests(), 2u);
  EXPECT_EQ(events.back().type, provider_event::kind::request_started);
  const auto waits = provider->stats().waits;
  std::vector<std::shared_ptr<outcome>> during;
  for (int i = 0; i < 10; ++i)
    during.push_back(call());
  advance(10s);
  for (const auto& o : during) {
    ASSERT_TRUE(o->done);
    EXPECT_EQ(o->token.value, "t1");
  }
  EXPECT_EQ(provider->stats().waits, waits);  // nobody waited
  answer(1, "t2");
  EXPECT_EQ(cached(), "t2");
  // The new token's points count from when its request was sent (at 3300 s).
  EXPECT_EQ(clock->next_deadline(), manual_clock::start + 3300s + 3300s);
  advance(3289s);
  EXPECT_EQ(transport.requests(), 2u);
  advance(1s);
  EXPECT_EQ(transport.requests(), 3u);
}

TEST_F(ProviderTimeline, PastTheHardPointCallersWaitForTheRefresh) {
  make();
  call();
  settle();
  answer(0, "t1");
  advance(3300s);
  ASSERT_EQ(transport.requests(), 2u);  // the refresh hangs
  advance(269s);
  EXPECT_EQ(cached(), "t1");
  advance(1s);  // the hard point (3570 s)
  EXPECT_EQ(cached(), "(none)");
  const auto waits = provider->stats().waits;
  auto a = call();
  advance(20s);
  EXPECT_FALSE(a->done);
  EXPECT_EQ(provider->stats().waits, waits + 1);
  EXPECT_EQ(transport.requests(), 2u);  // it waits for the refresh in flight
  answer(1, "t2");
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->token.value, "t2");
}

TEST_F(ProviderTimeline, BackoffDelaysAreExactlyAsComputed) {
  make();
  auto a = call();
  settle();
  refuse(0, error::server_error);
  EXPECT_EQ(last_failure().retry_in, 100ms);  // 0.5 of base_delay 200 ms
  advance(99ms);
  EXPECT_EQ(transport.requests(), 1u);
  advance(1ms);
  ASSERT_EQ(transport.requests(), 2u);
  refuse(1, error::timeout);
  EXPECT_EQ(last_failure().retry_in, 200ms);  // 0.5 of 400 ms
  advance(199ms);
  EXPECT_EQ(transport.requests(), 2u);
  advance(1ms);
  ASSERT_EQ(transport.requests(), 3u);
  refuse(2, error::server_error);
  EXPECT_EQ(last_failure().retry_in, 400ms);  // 0.5 of 800 ms
  advance(400ms);
  ASSERT_EQ(transport.requests(), 4u);
  EXPECT_FALSE(a->done);
  EXPECT_EQ(events[6].attempt, 4u);
  refuse(3, error::server_error);  // max_attempts 4: the waiters get it
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, error::server_error);
  EXPECT_EQ(last_failure().retry_in, -1ms);  // none scheduled
  EXPECT_EQ(provider->stats().retries, 3u);
  EXPECT_EQ(provider->stats().failures, 4u);
  // Cached for the backoff the next failure would have had: 0.5 of 1600 ms.
  advance(799ms);
  auto b = call();
  settle();
  ASSERT_TRUE(b->done);
  EXPECT_EQ(b->ec, error::server_error);
  EXPECT_EQ(transport.requests(), 4u);
  advance(1ms);
  auto c = call();
  settle();
  EXPECT_FALSE(c->done);
  EXPECT_EQ(transport.requests(), 5u);
  EXPECT_EQ(events.back().attempt, 1u);  // a new refresh
}

TEST_F(ProviderTimeline, FailedRefreshesBeforeTheHardPointAreInvisible) {
  make();
  call();
  settle();
  answer(0, "t1");
  advance(3300s);
  ASSERT_EQ(transport.requests(), 2u);
  std::vector<std::shared_ptr<outcome>> calls;
  for (std::size_t i = 1; i <= 6; ++i) {  // more than max_attempts: the background goes on
    refuse(i, error::server_error);
    calls.push_back(call());
    advance(last_failure().retry_in);
    ASSERT_EQ(transport.requests(), i + 2);
  }
  // The ceiling doubled each time (0.5 of 200, 400, … ms), capped at max_delay.
  EXPECT_EQ(last_failure().retry_in, 3200ms);
  answer(7, "t2");
  for (const auto& o : calls) {
    ASSERT_TRUE(o->done);
    EXPECT_FALSE(o->ec);
    EXPECT_EQ(o->token.value, "t1");
  }
  EXPECT_EQ(cached(), "t2");
}

TEST_F(ProviderTimeline, APermanentErrorIsServedForPermanentErrorBackoff) {
  make();
  auto a = call();
  settle();
  fetch_result rejected;
  rejected.details.http_status = 401;
  rejected.details.error_code = "401300";
  rejected.details.message = "Signature mismatch.";
  refuse(0, error::signature_rejected, rejected);
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, error::signature_rejected);
  EXPECT_EQ(a->details.error_code, "401300");
  for (int i = 0; i < 299; ++i) {
    advance(100ms);
    auto b = call();
    settle();
    ASSERT_TRUE(b->done);
    EXPECT_EQ(b->ec, error::signature_rejected);
    EXPECT_EQ(b->details.error_code, "401300");
    EXPECT_EQ(b->details.message, "Signature mismatch.");
  }
  EXPECT_EQ(transport.requests(), 1u);  // 29.9 s without a request
  advance(100ms);
  auto c = call();
  settle();
  EXPECT_FALSE(c->done);
  EXPECT_EQ(transport.requests(), 2u);
}

TEST_F(ProviderTimeline, RetryAfterIsRespected) {
  make();
  auto a = call();
  settle();
  fetch_result limited;
  limited.details.http_status = 429;
  limited.details.retry_after = 7s;
  refuse(0, error::rate_limited, limited);
  EXPECT_EQ(last_failure().retry_in, 7000ms);
  advance(6999ms);
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_FALSE(a->done);
  advance(1ms);
  EXPECT_EQ(transport.requests(), 2u);
  answer(1, "after");
  EXPECT_EQ(a->token.value, "after");
}

fetch_result skewed(std::chrono::system_clock::time_point sent, std::chrono::seconds ahead) {
  fetch_result r;
  r.sent_at = sent;
  r.server_date = sent + ahead;
  r.details.http_status = 401;
  r.details.error_code = "401204";
  return r;
}

TEST_F(ProviderTimeline, ATimestampRejectionIsCorrectedOnceWithTheLearntOffset) {
  make();
  auto a = call();
  settle();
  refuse(0, error::timestamp_rejected, skewed(clock->wall_now(), 1h));
  ASSERT_EQ(transport.requests(), 2u);  // at once, no backoff
  EXPECT_EQ(transport.offsets()[1], 3600s);
  EXPECT_EQ(last_failure().retry_in, 0ms);
  answer(1, "in time");
  EXPECT_EQ(a->token.value, "in time");
  EXPECT_EQ(events.back().clock_offset, 3600s);
  advance(3300s);  // the refresh is signed with it too
  ASSERT_EQ(transport.requests(), 3u);
  EXPECT_EQ(transport.offsets()[2], 3600s);
}

TEST_F(ProviderTimeline, ASecondTimestampRejectionReachesTheWaiters) {
  make();
  auto a = call();
  settle();
  refuse(0, error::timestamp_rejected, skewed(clock->wall_now(), 1h));
  ASSERT_EQ(transport.requests(), 2u);
  refuse(1, error::timestamp_rejected, skewed(clock->wall_now(), 2h));
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, error::timestamp_rejected);
  EXPECT_EQ(a->details.error_code, "401204");
  EXPECT_EQ(transport.requests(), 2u);
  EXPECT_EQ(events.back().clock_offset, 7200s);  // learnt again: the server rejected it
}

TEST_F(ProviderTimeline, InvalidateFetchesOnceAndIgnoresOlderTokens) {
  make();
  call();
  settle();
  answer(0, "t1");
  const access_token t1 = *provider->cached();
  advance(10min);
  provider->invalidate(t1);
  provider->invalidate(t1);
  EXPECT_EQ(cached(), "(none)");  // withdrawn at once
  auto a = call();
  settle();
  EXPECT_EQ(transport.requests(), 2u);
  EXPECT_FALSE(a->done);
  answer(1, "t2");
  EXPECT_EQ(a->token.value, "t2");
  provider->invalidate(t1);
  settle();
  EXPECT_EQ(transport.requests(), 2u);
  EXPECT_EQ(cached(), "t2");
  EXPECT_EQ(clock->next_deadline(), manual_clock::start + 10min + 3300s);
}

TEST_F(ProviderTimeline, CancelAbortsTheWaitersAndStopsTheTimer) {
  make();
  auto a = call();
  settle();
  provider->cancel();
  settle();
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, asio::error::operation_aborted);
  EXPECT_EQ(transport.cancelled(), 1);
  auto b = call();  // starts afresh
  settle();
  ASSERT_EQ(transport.requests(), 2u);
  answer(1, "t1");
  EXPECT_EQ(b->token.value, "t1");
  EXPECT_EQ(clock->pending(), 1u);  // the refresh timer
  provider->cancel();
  settle();
  EXPECT_EQ(clock->pending(), 0u);
  advance(2h);  // no timer, no request; the token stays until its hard point
  EXPECT_EQ(transport.requests(), 2u);
  EXPECT_EQ(cached(), "(none)");
  auto c = call();
  settle();
  EXPECT_EQ(transport.requests(), 3u);
  EXPECT_FALSE(c->done);
}

TEST_F(ProviderTimeline, ATokenExpiredOnArrivalIsRetriedThenReported) {
  make();
  auto a = call();
  settle();
  for (std::size_t i = 0; i < 4; ++i) {
    advance(5s);  // each answer arrives 5 s after its request, with a 2 s token
    answer(i, "dead", 2s);
    if (i < 3) {
      EXPECT_EQ(last_failure().error, error::malformed_response);
      advance(last_failure().retry_in);
      ASSERT_EQ(transport.requests(), i + 2);
    }
  }
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, error::malformed_response);
  EXPECT_EQ(a->details.message, "the token expired before its answer arrived (expires_in 2 s)");
  EXPECT_EQ(cached(), "(none)");
  EXPECT_EQ(last_failure().details.message,
            "the token expired before its answer arrived (expires_in 2 s)");
}

TEST_F(ProviderTimeline, AWeekOfDayLongTokensTakesOneRequestPerSoftPoint) {
  make();
  auto first = call();
  settle();
  std::size_t answered = 0;
  std::uint64_t waits_after_first = 0;
  for (int minute = 0; minute < 7 * 24 * 60; ++minute) {
    while (answered < transport.requests()) {
      advance(1s);  // the endpoint takes a second
      ++answered;
      answer(answered - 1, "day-" + std::to_string(answered), 24h);
      if (answered == 1)
        waits_after_first = provider->stats().waits;
    }
    if (minute % 60 == 0) {  // a caller every hour
      auto o = call();
      settle();
      ASSERT_TRUE(o->done);
      ASSERT_EQ(o->token.value, "day-" + std::to_string(answered));
    }
    advance(1min);
  }
  EXPECT_EQ(first->token.value, "day-1");
  // Soft points 86 100 s apart (24 h minus refresh_ahead 300 s) from 0: 0, 1, …, 7 in a week.
  EXPECT_EQ(transport.requests(), 8u);
  EXPECT_EQ(provider->stats().waits, waits_after_first);  // only the first caller ever waited
  EXPECT_EQ(provider->stats().failures, 0u);
}

}  // namespace
}  // namespace here::oauth

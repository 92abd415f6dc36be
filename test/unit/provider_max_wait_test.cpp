// provider_options::max_wait on a manual clock: a caller waits at most that long, gets
// error::timed_out with the last failure's details, and the provider goes on trying without it.
// Deadlines are in arrival order, so one timer serves every waiter.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "manual_clock.hpp"
#include "provider/provider_access.hpp"
#include "refresh_fsm_fixture.hpp"
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test::manual_clock;
using test::scripted_transport;

struct outcome {
  bool done = false;
  error_code ec;
  access_token token;
  error_details details;
};

struct MaxWait : ::testing::Test {
  asio::io_context io;
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
  scripted_transport transport;
  std::unique_ptr<token_provider> provider;

  void make(std::chrono::milliseconds max_wait) {
    provider_options o;
    o.max_wait = max_wait;
    o.retry.base_delay = 200ms;
    o.retry.max_delay = 30s;
    o.retry.max_attempts = 4;
    provider = detail::provider_access::make_unique(io.get_executor(), transport.function(), o,
                                                    {clock, [] { return 0.5; }});
  }
  ~MaxWait() override {
    if (provider)
      provider->cancel();
    test::settle(io);
  }
  void advance(std::chrono::steady_clock::duration d) { clock->advance(d, io); }
  std::shared_ptr<outcome> call() {
    auto o = std::make_shared<outcome>();
    provider->async_token(o->details, [o](error_code ec, access_token t) {
      o->done = true;
      o->ec = ec;
      o->token = std::move(t);
    });
    test::settle(io);
    return o;
  }
  void unavailable(std::size_t i) {
    fetch_result r;
    r.sent_at = clock->wall_now();
    r.details.http_status = 503;
    r.details.error_code = "503000";
    r.details.message = "Service Unavailable";
    transport.finish(i, make_error_code(error::server_error), std::move(r));
    test::settle(io);
  }
};

TEST_F(MaxWait, ACallerIsBoundedWithTheLastFailureWhileTheProviderGoesOnTrying) {
  make(2s);
  auto first = call();
  ASSERT_EQ(transport.requests(), 1u);
  advance(1s);
  unavailable(0);  // backoff 100 ms (0.5 of 200 ms)
  advance(100ms);
  ASSERT_EQ(transport.requests(), 2u);
  advance(899ms);
  EXPECT_FALSE(first->done);
  advance(1ms);  // 2 s after the call
  ASSERT_TRUE(first->done);
  EXPECT_EQ(first->ec, error::timed_out);
  EXPECT_EQ(first->details.http_status, 503u);  // what the endpoint said last
  EXPECT_EQ(first->details.error_code, "503000");
  EXPECT_EQ(first->details.message, "Service Unavailable");

  // The request in flight goes on without the caller, and so do the retries.
  unavailable(1);
  advance(200ms);
  ASSERT_EQ(transport.requests(), 3u);
  auto second = call();  // waits for the retry in flight
  EXPECT_FALSE(second->done);
  transport.finish(2, {}, test::token_sent_at("recovered", 3600s, clock->wall_now()));
  test::settle(io);
  ASSERT_TRUE(second->done);
  EXPECT_FALSE(second->ec);
  EXPECT_EQ(second->token.value, "recovered");
  auto later = call();
  ASSERT_TRUE(later->done);
  EXPECT_EQ(later->token.value, "recovered");
  EXPECT_EQ(transport.requests(), 3u);
}

TEST_F(MaxWait, WithoutAnyAnswerYetTheTimeoutSaysSo) {
  make(1500ms);
  auto first = call();
  advance(1500ms);
  ASSERT_TRUE(first->done);
  EXPECT_EQ(first->ec, error::timed_out);
  EXPECT_EQ(first->details.http_status, 0u);
  EXPECT_EQ(first->details.message, "no answer from the token endpoint yet; still trying");
  transport.finish(0, {}, test::token_sent_at("late", 3600s, clock->wall_now()));
  test::settle(io);
  EXPECT_EQ(provider->cached()->value, "late");  // the request was not abandoned
  EXPECT_EQ(transport.requests(), 1u);
}

TEST_F(MaxWait, OneTimerServesEveryWaiterInArrivalOrder) {
  make(3s);
  std::vector<std::shared_ptr<outcome>> early, late;
  for (int i = 0; i < 1000; ++i)
    early.push_back(call());
  EXPECT_EQ(clock->pending(), 1u);  // one wait timer for a thousand waiters
  advance(1s);
  for (int i = 0; i < 1000; ++i)
    late.push_back(call());
  EXPECT_EQ(clock->pending(), 1u);
  advance(2s);
  for (const auto& o : early) {
    ASSERT_TRUE(o->done);
    EXPECT_EQ(o->ec, error::timed_out);
  }
  for (const auto& o : late)
    EXPECT_FALSE(o->done);
  EXPECT_EQ(clock->next_deadline(), manual_clock::start + 4s);  // re-armed for the next oldest
  transport.finish(0, {}, test::token_sent_at("t", 3600s, clock->wall_now()));
  test::settle(io);
  for (const auto& o : late) {
    ASSERT_TRUE(o->done);
    EXPECT_EQ(o->token.value, "t");
  }
  EXPECT_EQ(clock->pending(), 1u);  // the refresh timer alone: no waiter, no wait timer
}

TEST_F(MaxWait, ACancelledWaiterLeavesTheOthersTheirDeadline) {
  make(2s);
  auto a = call();
  advance(500ms);
  auto b = call();
  provider->cancel();  // everyone out; the wait timer stops
  test::settle(io);
  EXPECT_TRUE(a->done && b->done);
  EXPECT_EQ(clock->pending(), 0u);
}

// The state machine keeps the backoff of rounds with waiters below max_wait, however far the
// ceilings grew, and says what the timed-out waiters get.
TEST(MaxWaitFsm, BackoffWithWaitersStaysAtHalfOfMaxWait) {
  using namespace detail::test_fsm;
  retry_policy r = test_retry();
  r.max_attempts = 100;
  r.max_delay = 60s;
  detail::refresh_fsm fsm(
      detail::timeline_policy{300s, 30s}, r, [] { return 0.999; }, 4s);
  ASSERT_EQ(fsm.on_demand(t0).kind, kind::wait_and_fetch);
  detail::steady_time now = t0;
  for (int i = 0; i < 20; ++i) {
    auto a = fail(fsm, now, transient);
    ASSERT_EQ(a.kind, kind::back_off);
    EXPECT_LT(a.retry_in, 2s);
    now += a.retry_in;
    ASSERT_EQ(fsm.on_timer(now).kind, kind::fetch);
  }
  auto expired = fsm.on_wait_expired(now);
  EXPECT_EQ(expired.kind, kind::expire_waiters);
  EXPECT_EQ(expired.error, error::timed_out);
  ASSERT_TRUE(expired.details);
  EXPECT_EQ(expired.details->message, "last attempt: " + transient.message());
}

}  // namespace
}  // namespace here::oauth

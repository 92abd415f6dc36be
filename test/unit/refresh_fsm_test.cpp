// The provider's timeline and failure handling, step by step with a fake clock: no I/O, no timers.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "provider/refresh_fsm.hpp"

namespace here::oauth::detail {
namespace {

using namespace std::chrono_literals;
using demand = refresh_fsm::demand;
using phase = refresh_fsm::phase;

constexpr steady_time t0 = steady_time{} + 1000h;

retry_policy test_retry() {
  retry_policy r;
  r.max_attempts = 3;
  r.base_delay = 100ms;
  r.max_delay = 1000ms;
  r.permanent_error_backoff = 30s;
  r.max_retry_after = 60s;
  return r;
}

struct RefreshFsm : ::testing::Test {
  refresh_fsm fsm{300s, 30s, test_retry(), [] { return 0.5; }};

  // A first token of the given lifetime, requested at `sent` and answered at `now`.
  void get_first_token(steady_time sent, steady_time now, std::chrono::milliseconds lifetime) {
    auto d = fsm.on_demand(sent);
    ASSERT_EQ(d.what, demand::wait);
    ASSERT_TRUE(d.start_fetch);
    auto f = fsm.on_fetch_succeeded(now, sent, lifetime);
    ASSERT_TRUE(f.adopt_token);
    ASSERT_TRUE(f.complete_waiters);
  }
};

TEST(ComputeDeadlines, UsesRefreshAheadAndMarginForLongLifetimes) {
  auto d = compute_deadlines(t0, 3600s, 300s, 30s);
  EXPECT_EQ(d.expiry, t0 + 3600s);
  EXPECT_EQ(d.soft, t0 + 3300s);
  EXPECT_EQ(d.hard, t0 + 3570s);
}

TEST(ComputeDeadlines, CapsAtHalfAndTenthOfShortLifetimes) {
  auto d = compute_deadlines(t0, 60s, 300s, 30s);
  EXPECT_EQ(d.soft, t0 + 30s);
  EXPECT_EQ(d.hard, t0 + 54s);
}

TEST(ComputeDeadlines, SoftNeverAfterHard) {
  auto d = compute_deadlines(t0, 3600s, 10s, 30s);
  EXPECT_EQ(d.soft, d.hard);
}

TEST(ClassifyFailure, SortsErrorsByWhatARetryCanFix) {
  EXPECT_EQ(classify_failure(error::timestamp_rejected), failure_kind::clock_skew);
  for (error e : {error::signature_rejected, error::request_rejected, error::redirect_refused,
                  error::insecure_url_refused, error::invalid_option}) {
    EXPECT_EQ(classify_failure(e), failure_kind::permanent) << make_error_code(e).message();
  }
  for (error e : {error::rate_limited, error::server_error, error::timeout,
                  error::malformed_response, error::response_too_large, error::proxy_error}) {
    EXPECT_EQ(classify_failure(e), failure_kind::transient) << make_error_code(e).message();
  }
  EXPECT_EQ(classify_failure(boost::asio::error::connection_refused), failure_kind::transient);
  EXPECT_EQ(classify_failure(boost::asio::error::connection_reset), failure_kind::transient);
  EXPECT_EQ(classify_failure(boost::asio::error::host_not_found), failure_kind::transient);
  EXPECT_EQ(classify_failure(boost::asio::ssl::error::stream_truncated), failure_kind::transient);
  boost::system::error_code verify_failed(0x1416F086, boost::asio::error::get_ssl_category());
  EXPECT_EQ(classify_failure(verify_failed), failure_kind::permanent);
}

TEST_F(RefreshFsm, FirstCallerStartsOneRequestAndOthersWait) {
  auto first = fsm.on_demand(t0);
  EXPECT_EQ(first.what, demand::wait);
  EXPECT_TRUE(first.start_fetch);
  for (int i = 0; i < 1000; ++i) {
    auto other = fsm.on_demand(t0 + 1ms * i);
    EXPECT_EQ(other.what, demand::wait);
    EXPECT_FALSE(other.start_fetch);
  }
  EXPECT_EQ(fsm.attempt(), 1u);
}

TEST_F(RefreshFsm, ServesFromCacheUntilTheSoftPointWithoutRequests) {
  get_first_token(t0, t0 + 1s, 3600s);
  for (auto t : {t0 + 1s, t0 + 1000s, t0 + 3299s}) {
    auto d = fsm.on_demand(t);
    EXPECT_EQ(d.what, demand::serve);
    EXPECT_FALSE(d.start_fetch);
  }
  EXPECT_EQ(fsm.next_wakeup(), t0 + 3300s);  // deadlines count from when the request was sent
}

TEST_F(RefreshFsm, TimerStartsTheRefreshAtTheSoftPointAndCallersKeepTheCachedToken) {
  get_first_token(t0, t0 + 1s, 3600s);
  EXPECT_FALSE(fsm.on_timer(t0 + 3299s));  // early wake-ups do nothing
  EXPECT_TRUE(fsm.on_timer(t0 + 3300s));
  EXPECT_EQ(fsm.current_phase(), phase::fetching);
  EXPECT_FALSE(fsm.next_wakeup());
  auto d = fsm.on_demand(t0 + 3301s);
  EXPECT_EQ(d.what, demand::serve);
  EXPECT_FALSE(d.start_fetch);
  auto f = fsm.on_fetch_succeeded(t0 + 3302s, t0 + 3300s, 3600s);
  EXPECT_TRUE(f.adopt_token);
  EXPECT_EQ(fsm.next_wakeup(), t0 + 3300s + 3300s);
}

TEST_F(RefreshFsm, ACallerBetweenSoftAndHardStartsTheRefreshIfTheTimerDidNot) {
  get_first_token(t0, t0 + 1s, 3600s);
  auto d = fsm.on_demand(t0 + 3400s);
  EXPECT_EQ(d.what, demand::serve);
  EXPECT_TRUE(d.start_fetch);
  EXPECT_EQ(fsm.on_demand(t0 + 3401s).start_fetch, false);
}

TEST_F(RefreshFsm, PastTheHardPointCallersWaitForTheSharedRefresh) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_TRUE(fsm.on_timer(t0 + 3300s));
  auto d = fsm.on_demand(t0 + 3570s);
  EXPECT_EQ(d.what, demand::wait);
  EXPECT_FALSE(d.start_fetch);
}

TEST_F(RefreshFsm, PastTheHardPointWithNothingInFlightACallerStartsARequest) {
  get_first_token(t0, t0 + 1s, 3600s);
  auto d = fsm.on_demand(t0 + 3580s);
  EXPECT_EQ(d.what, demand::wait);
  EXPECT_TRUE(d.start_fetch);
}

TEST_F(RefreshFsm, ARefreshThatDoesNotExtendTheTokenDoesNotLoop) {
  get_first_token(t0, t0 + 1s, 3600s);
  // The server keeps handing back the same token: its expiry never moves.
  int requests = 0;
  steady_time now = t0 + 3300s;
  while (now < t0 + 3570s) {
    if (fsm.on_timer(now)) {
      ++requests;
      auto f = fsm.on_fetch_succeeded(
          now, now, std::chrono::duration_cast<std::chrono::milliseconds>(t0 + 3600s - now));
      EXPECT_FALSE(f.adopt_token);
      auto wake = fsm.next_wakeup();
      ASSERT_TRUE(wake);
      EXPECT_GE(*wake, now + 1s);
    }
    now += 100ms;
  }
  EXPECT_GE(requests, 1);
  EXPECT_LE(requests, 10);  // halving the distance to the hard point, at least a second apart
}

TEST_F(RefreshFsm, TransientFailuresWithoutATokenAreRetriedWithJitteredExponentialBackoff) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f1 = fsm.on_fetch_failed(t0, failure_kind::transient, std::nullopt);
  ASSERT_TRUE(f1.retry_in);
  EXPECT_EQ(*f1.retry_in, 50ms);  // jitter 0.5 of base 100 ms
  EXPECT_FALSE(f1.fail_waiters);
  EXPECT_EQ(fsm.on_demand(t0 + 10ms).what, demand::wait);  // callers join the waiting
  EXPECT_FALSE(fsm.on_timer(t0 + 49ms));
  ASSERT_TRUE(fsm.on_timer(t0 + 50ms));
  EXPECT_EQ(fsm.attempt(), 2u);
  auto f2 = fsm.on_fetch_failed(t0 + 60ms, failure_kind::transient, std::nullopt);
  ASSERT_TRUE(f2.retry_in);
  EXPECT_EQ(*f2.retry_in, 100ms);  // 0.5 of 200 ms
  ASSERT_TRUE(fsm.on_timer(t0 + 160ms));
  EXPECT_EQ(fsm.attempt(), 3u);
  auto f3 = fsm.on_fetch_failed(t0 + 170ms, failure_kind::transient, std::nullopt);
  EXPECT_TRUE(f3.fail_waiters);  // max_attempts = 3
  EXPECT_FALSE(f3.retry_in);
}

TEST_F(RefreshFsm, AfterGivingUpCallersGetTheErrorAtOnceUntilTheBackoffHasPassed) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  for (int i = 0; i < 3; ++i) {
    auto f = fsm.on_fetch_failed(t0, failure_kind::transient, std::nullopt);
    if (f.fail_waiters)
      break;
    ASSERT_TRUE(fsm.on_timer(t0 + *f.retry_in));
  }
  // Third failure: backoff ceiling 400 ms, jittered to 200 ms.
  auto early = fsm.on_demand(t0 + 150ms);
  EXPECT_EQ(early.what, demand::fail);
  EXPECT_FALSE(early.start_fetch);
  auto later = fsm.on_demand(t0 + 10s);
  EXPECT_EQ(later.what, demand::wait);
  EXPECT_TRUE(later.start_fetch);
}

TEST_F(RefreshFsm, RetryAfterIsHonoured) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f = fsm.on_fetch_failed(t0, failure_kind::transient, 7s);
  ASSERT_TRUE(f.retry_in);
  EXPECT_EQ(*f.retry_in, 7s);
  EXPECT_FALSE(fsm.on_timer(t0 + 6s));
  EXPECT_TRUE(fsm.on_timer(t0 + 7s));
}

TEST_F(RefreshFsm, AbsurdRetryAfterIsCapped) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f = fsm.on_fetch_failed(t0, failure_kind::transient, std::chrono::hours(24 * 365));
  ASSERT_TRUE(f.retry_in);
  EXPECT_EQ(*f.retry_in, 60s);
}

TEST_F(RefreshFsm, BackoffNeverExceedsTheCap) {
  refresh_fsm many{300s, 30s,
                   [] {
                     auto r = test_retry();
                     r.max_attempts = 100;
                     return r;
                   }(),
                   [] { return 0.999; }};
  ASSERT_TRUE(many.on_demand(t0).start_fetch);
  steady_time now = t0;
  for (int i = 0; i < 60; ++i) {
    auto f = many.on_fetch_failed(now, failure_kind::transient, std::nullopt);
    ASSERT_TRUE(f.retry_in);
    EXPECT_LE(*f.retry_in, 1000ms);
    now += *f.retry_in;
    ASSERT_TRUE(many.on_timer(now));
  }
}

TEST_F(RefreshFsm, PermanentFailuresAreNotRetriedAndAreServedForTheLongBackoff) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f = fsm.on_fetch_failed(t0 + 1s, failure_kind::permanent, std::nullopt);
  EXPECT_TRUE(f.fail_waiters);
  EXPECT_FALSE(f.retry_in);
  EXPECT_FALSE(f.start_fetch);
  for (auto t : {t0 + 2s, t0 + 20s, t0 + 30s}) {
    auto d = fsm.on_demand(t);
    EXPECT_EQ(d.what, demand::fail);
    EXPECT_FALSE(d.start_fetch);
  }
  EXPECT_TRUE(fsm.on_demand(t0 + 31s).start_fetch);
}

TEST_F(RefreshFsm, ClockSkewIsRetriedOnceAtOnce) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f = fsm.on_fetch_failed(t0, failure_kind::clock_skew, std::nullopt);
  EXPECT_TRUE(f.start_fetch);
  EXPECT_FALSE(f.fail_waiters);
  EXPECT_EQ(fsm.current_phase(), phase::fetching);
  auto again = fsm.on_fetch_failed(t0, failure_kind::clock_skew, std::nullopt);
  EXPECT_FALSE(again.start_fetch);
  EXPECT_TRUE(again.fail_waiters);
}

TEST_F(RefreshFsm, ClockSkewRetryIsAvailableAgainAfterASuccess) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  ASSERT_TRUE(fsm.on_fetch_failed(t0, failure_kind::clock_skew, std::nullopt).start_fetch);
  ASSERT_TRUE(fsm.on_fetch_succeeded(t0 + 1s, t0, 3600s).adopt_token);
  ASSERT_TRUE(fsm.on_timer(t0 + 3300s));
  EXPECT_TRUE(fsm.on_fetch_failed(t0 + 3300s, failure_kind::clock_skew, std::nullopt).start_fetch);
}

TEST_F(RefreshFsm, FailedRefreshWhileTheTokenIsUsableIsInvisibleAndRetriedInTheBackground) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_TRUE(fsm.on_timer(t0 + 3300s));
  steady_time now = t0 + 3300s;
  for (int i = 0; i < 6; ++i) {  // more than max_attempts: the background does not give up
    auto f = fsm.on_fetch_failed(now, failure_kind::transient, std::nullopt);
    EXPECT_FALSE(f.fail_waiters);
    ASSERT_TRUE(f.retry_in);
    auto d = fsm.on_demand(now + 1ms);
    EXPECT_EQ(d.what, demand::serve);
    EXPECT_FALSE(d.start_fetch);
    now += *f.retry_in;
    ASSERT_TRUE(fsm.on_timer(now));
  }
  EXPECT_TRUE(fsm.on_fetch_succeeded(now + 1ms, now, 3600s).adopt_token);
  EXPECT_EQ(fsm.on_demand(now + 2ms).what, demand::serve);
}

TEST_F(RefreshFsm, TokenExpiringDuringABackgroundBackoffServesTheErrorUntilTheRetry) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_TRUE(fsm.on_timer(t0 + 3560s));
  auto f = fsm.on_fetch_failed(t0 + 3565s, failure_kind::transient, 30s);
  ASSERT_TRUE(f.retry_in);
  auto d = fsm.on_demand(t0 + 3571s);  // past the hard point, retry not yet due
  EXPECT_EQ(d.what, demand::fail);
  ASSERT_TRUE(fsm.on_timer(t0 + 3595s));
  EXPECT_EQ(fsm.on_demand(t0 + 3596s).what, demand::wait);
}

TEST_F(RefreshFsm, InvalidationDropsTheTokenAndStartsOneRequest) {
  get_first_token(t0, t0 + 1s, 3600s);
  EXPECT_TRUE(fsm.on_invalidated());
  EXPECT_FALSE(fsm.usable(t0 + 2s));
  EXPECT_FALSE(fsm.on_invalidated());  // a second report while the request runs changes nothing
  EXPECT_EQ(fsm.on_demand(t0 + 2s).what, demand::wait);
  EXPECT_FALSE(fsm.on_demand(t0 + 2s).start_fetch);
}

TEST_F(RefreshFsm, CancelAbandonsTheRequestButKeepsTheToken) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_TRUE(fsm.on_timer(t0 + 3300s));
  fsm.on_cancelled();
  EXPECT_EQ(fsm.current_phase(), phase::idle);
  EXPECT_TRUE(fsm.usable(t0 + 3301s));
  auto d = fsm.on_demand(t0 + 3301s);
  EXPECT_EQ(d.what, demand::serve);
  EXPECT_TRUE(d.start_fetch);  // a later call starts afresh
}

TEST_F(RefreshFsm, ATokenThatExpiredBeforeItArrivedIsAFailure) {
  ASSERT_TRUE(fsm.on_demand(t0).start_fetch);
  auto f = fsm.on_fetch_succeeded(t0 + 5s, t0, 2s);
  EXPECT_FALSE(f.adopt_token);
  EXPECT_TRUE(f.retry_in.has_value() || f.fail_waiters);
}

}  // namespace
}  // namespace here::oauth::detail

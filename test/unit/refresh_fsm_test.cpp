// SPDX-License-Identifier: Apache-2.0
// The provider's timeline and failure handling, step by step with a fake clock: no I/O, no timers.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "provider/refresh_fsm.hpp"
#include "refresh_fsm_fixture.hpp"

namespace here::oauth::detail {
namespace {

using namespace test_fsm;

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
  EXPECT_EQ(first.kind, kind::wait_and_fetch);
  EXPECT_TRUE(first.starts_request());
  EXPECT_EQ(first.request.attempt, 1u);
  for (int i = 0; i < 1000; ++i) {
    auto other = fsm.on_demand(t0 + 1ms * i);
    EXPECT_EQ(other.kind, kind::wait);
    EXPECT_FALSE(other.starts_request());
  }
  EXPECT_EQ(fsm.attempt(), 1u);
}

TEST_F(RefreshFsm, ServesFromCacheUntilTheSoftPointWithoutRequests) {
  get_first_token(t0, t0 + 1s, 3600s);
  for (auto t : {t0 + 1s, t0 + 1000s, t0 + 3299s}) {
    auto d = fsm.on_demand(t);
    EXPECT_EQ(d.kind, kind::serve);
    EXPECT_FALSE(d.starts_request());
  }
  EXPECT_EQ(fsm.next_wakeup(), t0 + 3300s);  // deadlines count from when the request was sent
}

TEST_F(RefreshFsm, AdoptCarriesTheNewTokensDeadlines) {
  ASSERT_EQ(fsm.on_demand(t0).kind, kind::wait_and_fetch);
  auto f = fsm.on_fetch_succeeded(t0 + 1s, sent_at(t0), 3600s);
  ASSERT_EQ(f.kind, kind::adopt);
  EXPECT_EQ(f.deadlines.soft, t0 + 3300s);
  EXPECT_EQ(f.deadlines.hard, t0 + 3570s);
  EXPECT_EQ(f.deadlines.expiry, t0 + 3600s);
  EXPECT_FALSE(f.starts_request());
  EXPECT_FALSE(f.is_failure());
}

TEST_F(RefreshFsm, TimerStartsTheRefreshAtTheSoftPointAndCallersKeepTheCachedToken) {
  get_first_token(t0, t0 + 1s, 3600s);
  EXPECT_EQ(fsm.on_timer(t0 + 3299s).kind, kind::none);  // early wake-ups do nothing
  EXPECT_EQ(fsm.on_timer(t0 + 3300s).kind, kind::fetch);
  EXPECT_EQ(fsm.current_phase(), phase::fetching);
  EXPECT_FALSE(fsm.next_wakeup());
  auto d = fsm.on_demand(t0 + 3301s);
  EXPECT_EQ(d.kind, kind::serve);
  EXPECT_FALSE(d.starts_request());
  auto f = fsm.on_fetch_succeeded(t0 + 3302s, sent_at(t0 + 3300s), 3600s);
  EXPECT_EQ(f.kind, kind::adopt);
  EXPECT_EQ(fsm.next_wakeup(), t0 + 3300s + 3300s);
}

TEST_F(RefreshFsm, ACallerBetweenSoftAndHardStartsTheRefreshIfTheTimerDidNot) {
  get_first_token(t0, t0 + 1s, 3600s);
  auto d = fsm.on_demand(t0 + 3400s);
  EXPECT_EQ(d.kind, kind::serve_and_refresh);
  EXPECT_TRUE(d.starts_request());
  EXPECT_EQ(fsm.on_demand(t0 + 3401s).starts_request(), false);
}

TEST_F(RefreshFsm, ANudgeStartsTheRefreshOnlyWhileTheTokenIsUsable) {
  get_first_token(t0, t0 + 1s, 3600s);
  EXPECT_EQ(fsm.on_nudge(t0 + 3299s).kind, kind::none);
  EXPECT_EQ(fsm.on_nudge(t0 + 3400s).kind, kind::fetch);
  EXPECT_EQ(fsm.on_nudge(t0 + 3401s).kind, kind::none);  // already running

  refresh_fsm late{300s, 30s, test_retry(), [] { return 0.5; }};
  ASSERT_EQ(late.on_demand(t0).kind, kind::wait_and_fetch);
  ASSERT_EQ(late.on_fetch_succeeded(t0, sent_at(t0), 3600s).kind, kind::adopt);
  EXPECT_EQ(late.on_nudge(t0 + 3580s).kind, kind::none);  // past the hard point: callers fetch
}

TEST_F(RefreshFsm, PastTheHardPointCallersWaitForTheSharedRefresh) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_EQ(fsm.on_timer(t0 + 3300s).kind, kind::fetch);
  auto d = fsm.on_demand(t0 + 3570s);
  EXPECT_EQ(d.kind, kind::wait);
  EXPECT_FALSE(d.starts_request());
}

TEST_F(RefreshFsm, PastTheHardPointWithNothingInFlightACallerStartsARequest) {
  get_first_token(t0, t0 + 1s, 3600s);
  auto d = fsm.on_demand(t0 + 3580s);
  EXPECT_EQ(d.kind, kind::wait_and_fetch);
  EXPECT_TRUE(d.starts_request());
}

TEST_F(RefreshFsm, ARefreshThatDoesNotExtendTheTokenDoesNotLoop) {
  get_first_token(t0, t0 + 1s, 3600s);
  // The server keeps handing back the same token: its expiry never moves.
  int requests = 0;
  steady_time now = t0 + 3300s;
  while (now < t0 + 3570s) {
    if (fsm.on_timer(now).kind == kind::fetch) {
      ++requests;
      auto f = fsm.on_fetch_succeeded(
          now, sent_at(now), std::chrono::duration_cast<std::chrono::seconds>(t0 + 3600s - now));
      EXPECT_EQ(f.kind, kind::keep);  // not adopted; the waiters get the cached token
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
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f1 = fail(t0, transient);
  ASSERT_EQ(f1.kind, kind::back_off);
  EXPECT_EQ(f1.retry_in, 50ms);  // jitter 0.5 of base 100 ms
  EXPECT_EQ(f1.error, transient);
  EXPECT_EQ(fsm.on_demand(t0 + 10ms).kind, kind::wait);  // callers join the waiting
  EXPECT_EQ(fsm.on_timer(t0 + 49ms).kind, kind::none);
  auto retry = fsm.on_timer(t0 + 50ms);
  ASSERT_EQ(retry.kind, kind::fetch);
  EXPECT_EQ(retry.request.attempt, 2u);
  EXPECT_EQ(fsm.attempt(), 2u);
  auto f2 = fail(t0 + 60ms, transient);
  ASSERT_EQ(f2.kind, kind::back_off);
  EXPECT_EQ(f2.retry_in, 100ms);  // 0.5 of 200 ms
  ASSERT_EQ(fsm.on_timer(t0 + 160ms).kind, kind::fetch);
  EXPECT_EQ(fsm.attempt(), 3u);
  auto f3 = fail(t0 + 170ms, transient);
  EXPECT_EQ(f3.kind, kind::fail_waiters);  // max_attempts = 3; no retry scheduled
  EXPECT_EQ(f3.error, transient);
}

TEST_F(RefreshFsm, AfterGivingUpCallersGetTheErrorAtOnceUntilTheBackoffHasPassed) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  for (int i = 0; i < 3; ++i) {
    auto f = fail(t0, transient);
    if (f.kind == kind::fail_waiters)
      break;
    ASSERT_EQ(fsm.on_timer(t0 + f.retry_in).kind, kind::fetch);
  }
  // Third failure: backoff ceiling 400 ms, jittered to 200 ms.
  auto early = fsm.on_demand(t0 + 150ms);
  EXPECT_EQ(early.kind, kind::fail);
  EXPECT_FALSE(early.starts_request());
  auto later = fsm.on_demand(t0 + 10s);
  EXPECT_EQ(later.kind, kind::wait_and_fetch);
  EXPECT_TRUE(later.starts_request());
}

TEST_F(RefreshFsm, RetryAfterIsHonoured) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fail(t0, transient, 7s);
  ASSERT_EQ(f.kind, kind::back_off);
  EXPECT_EQ(f.retry_in, 7s);
  EXPECT_EQ(fsm.on_timer(t0 + 6s).kind, kind::none);
  EXPECT_EQ(fsm.on_timer(t0 + 7s).kind, kind::fetch);
}

TEST_F(RefreshFsm, AbsurdRetryAfterIsCapped) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fail(t0, transient, std::chrono::hours(24 * 365));
  ASSERT_EQ(f.kind, kind::back_off);
  EXPECT_EQ(f.retry_in, 60s);
}

TEST_F(RefreshFsm, BackoffNeverExceedsTheCap) {
  refresh_fsm many{300s, 30s,
                   [] {
                     auto r = test_retry();
                     r.max_attempts = 100;
                     return r;
                   }(),
                   [] { return 0.999; }};
  ASSERT_TRUE(many.on_demand(t0).starts_request());
  steady_time now = t0;
  for (int i = 0; i < 60; ++i) {
    auto f = here::oauth::detail::fail(many, now, transient);
    ASSERT_EQ(f.kind, kind::back_off);
    EXPECT_LE(f.retry_in, 1000ms);
    now += f.retry_in;
    ASSERT_EQ(many.on_timer(now).kind, kind::fetch);
  }
}

TEST_F(RefreshFsm, PermanentFailuresAreNotRetriedAndAreServedForTheLongBackoff) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fail(t0 + 1s, permanent);
  EXPECT_EQ(f.kind, kind::fail_waiters);
  EXPECT_FALSE(f.starts_request());
  for (auto t : {t0 + 2s, t0 + 20s, t0 + 30s}) {
    auto d = fsm.on_demand(t);
    EXPECT_EQ(d.kind, kind::fail);
    EXPECT_EQ(d.error, permanent);
    EXPECT_FALSE(d.starts_request());
  }
  EXPECT_TRUE(fsm.on_demand(t0 + 31s).starts_request());
}

TEST_F(RefreshFsm, ClockSkewIsRetriedOnceAtOnce) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fail(t0, clock_skew);
  EXPECT_EQ(f.kind, kind::retry_at_once);
  EXPECT_TRUE(f.starts_request());
  EXPECT_EQ(f.retry_in, 0ms);
  EXPECT_EQ(f.request.attempt, 2u);
  EXPECT_EQ(fsm.current_phase(), phase::fetching);
  auto again = fail(t0, clock_skew);
  EXPECT_FALSE(again.starts_request());
  EXPECT_EQ(again.kind, kind::fail_waiters);
}

TEST_F(RefreshFsm, ClockSkewRetryIsAvailableAgainAfterASuccess) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  ASSERT_EQ(fail(t0, clock_skew).kind, kind::retry_at_once);
  ASSERT_EQ(fsm.on_fetch_succeeded(t0 + 1s, sent_at(t0), 3600s).kind, kind::adopt);
  ASSERT_EQ(fsm.on_timer(t0 + 3300s).kind, kind::fetch);
  EXPECT_EQ(fail(t0 + 3300s, clock_skew).kind, kind::retry_at_once);
}

TEST_F(RefreshFsm, FailedRefreshWhileTheTokenIsUsableIsInvisibleAndRetriedInTheBackground) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_EQ(fsm.on_timer(t0 + 3300s).kind, kind::fetch);
  steady_time now = t0 + 3300s;
  for (int i = 0; i < 6; ++i) {  // more than max_attempts: the background does not give up
    auto f = fail(now, transient);
    ASSERT_EQ(f.kind, kind::back_off);
    auto d = fsm.on_demand(now + 1ms);
    EXPECT_EQ(d.kind, kind::serve);
    EXPECT_FALSE(d.starts_request());
    now += f.retry_in;
    ASSERT_EQ(fsm.on_timer(now).kind, kind::fetch);
  }
  EXPECT_EQ(fsm.on_fetch_succeeded(now + 1ms, sent_at(now), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.on_demand(now + 2ms).kind, kind::serve);
}

TEST_F(RefreshFsm, TokenExpiringDuringABackgroundBackoffServesTheErrorUntilTheRetry) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_EQ(fsm.on_timer(t0 + 3560s).kind, kind::fetch);
  auto f = fail(t0 + 3565s, transient, 30s);
  ASSERT_EQ(f.kind, kind::back_off);
  auto d = fsm.on_demand(t0 + 3571s);  // past the hard point, retry not yet due
  EXPECT_EQ(d.kind, kind::fail);
  EXPECT_EQ(d.error, transient);
  ASSERT_EQ(fsm.on_timer(t0 + 3595s).kind, kind::fetch);
  EXPECT_EQ(fsm.on_demand(t0 + 3596s).kind, kind::wait);
}

TEST_F(RefreshFsm, InvalidationDropsTheTokenAndStartsOneRequest) {
  get_first_token(t0, t0 + 1s, 3600s);
  EXPECT_EQ(fsm.on_invalidated(t0 + 2s).kind, kind::fetch);
  EXPECT_FALSE(fsm.usable(t0 + 2s));
  // A second report while the request runs changes nothing.
  EXPECT_EQ(fsm.on_invalidated(t0 + 2s).kind, kind::none);
  EXPECT_EQ(fsm.on_demand(t0 + 2s).kind, kind::wait);
  EXPECT_FALSE(fsm.on_demand(t0 + 2s).starts_request());
}

TEST_F(RefreshFsm, InvalidationNeverBypassesACachedError) {
  get_first_token(t0, t0 + 1s, 60s);  // hard point at t0 + 54 s
  ASSERT_EQ(fsm.on_demand(t0 + 55s).kind, kind::wait_and_fetch);
  ASSERT_EQ(fail(t0 + 56s, permanent).kind, kind::fail_waiters);
  EXPECT_EQ(fsm.on_invalidated(t0 + 57s).kind, kind::none);
  EXPECT_EQ(fsm.on_demand(t0 + 58s).kind, kind::fail);
}

TEST_F(RefreshFsm, CancelAbandonsTheRequestButKeepsTheToken) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_EQ(fsm.on_timer(t0 + 3300s).kind, kind::fetch);
  EXPECT_EQ(fsm.on_cancelled().kind, kind::abandon);
  EXPECT_EQ(fsm.current_phase(), phase::idle);
  EXPECT_FALSE(fsm.next_wakeup());  // the timer stops too
  EXPECT_TRUE(fsm.usable(t0 + 3301s));
  auto d = fsm.on_demand(t0 + 3301s);
  EXPECT_EQ(d.kind, kind::serve_and_refresh);
  EXPECT_TRUE(d.starts_request());  // a later call starts afresh
}

TEST_F(RefreshFsm, AfterCancelANudgeStillRefreshesAndTheTimerComesBack) {
  get_first_token(t0, t0 + 1s, 3600s);
  ASSERT_EQ(fsm.on_cancelled().kind, kind::abandon);
  EXPECT_FALSE(fsm.next_wakeup());
  EXPECT_EQ(fsm.on_demand(t0 + 2s).kind, kind::serve);  // a fresh token: no timer yet
  EXPECT_FALSE(fsm.next_wakeup());
  ASSERT_EQ(fsm.on_nudge(t0 + 3400s).kind, kind::fetch);
  ASSERT_EQ(fsm.on_fetch_succeeded(t0 + 3401s, sent_at(t0 + 3400s), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.next_wakeup(), t0 + 3400s + 3300s);
}

TEST_F(RefreshFsm, ATokenThatExpiredBeforeItArrivedIsAFailure) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fsm.on_fetch_succeeded(t0 + 5s, sent_at(t0), 2s);
  EXPECT_NE(f.kind, kind::adopt);
  EXPECT_TRUE(f.kind == kind::back_off || f.kind == kind::fail_waiters);
}

}  // namespace
}  // namespace here::oauth::detail

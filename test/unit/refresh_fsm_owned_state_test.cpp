// SPDX-License-Identifier: Apache-2.0
// What the state machine owns besides the timeline: the expired-on-arrival rule, the remembered
// error with the server's details, and the clock offset learnt from the server's Date. Step by
// step with a fake clock, no I/O.
#include <gtest/gtest.h>

#include "provider/clock_offset.hpp"
#include "provider/refresh_fsm.hpp"
#include "refresh_fsm_fixture.hpp"

namespace here::oauth::detail {
namespace {

using namespace test_fsm;

// Newly owned by the state machine: the expired-on-arrival rule with its error and message.
TEST_F(RefreshFsm, ExpiredOnArrivalFailsWithMalformedResponseAndSaysWhy) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  steady_time now = t0;
  refresh_action f;
  for (int i = 0; i < 3; ++i) {
    f = fsm.on_fetch_succeeded(now + 5s, sent_at(now), 2s);
    ASSERT_TRUE(f.is_failure());
    EXPECT_EQ(f.error, error::malformed_response);
    ASSERT_TRUE(f.details);
    EXPECT_EQ(f.details->message, "the token expired before its answer arrived (expires_in 2 s)");
    if (f.kind == kind::fail_waiters)
      break;
    ASSERT_EQ(f.kind, kind::back_off);  // transient: retried while the callers wait
    now += 5s + f.retry_in;
    ASSERT_EQ(fsm.on_timer(now).kind, kind::fetch);
  }
  EXPECT_EQ(f.kind, kind::fail_waiters);
  EXPECT_FALSE(fsm.deadlines());
  auto d = fsm.on_demand(now + 5s + 1ms);
  EXPECT_EQ(d.kind, kind::fail);
  EXPECT_EQ(d.error, error::malformed_response);
  EXPECT_EQ(d.details->message, "the token expired before its answer arrived (expires_in 2 s)");
}

TEST_F(RefreshFsm, ATokenPastItsHardPointOnArrivalIsExpiredOnArrival) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  // 100 s token: hard point 90 s after sending (a tenth), expiry at 100 s. Arrives at 95 s.
  auto f = fsm.on_fetch_succeeded(t0 + 95s, sent_at(t0), 100s);
  EXPECT_TRUE(f.is_failure());
  EXPECT_EQ(f.error, error::malformed_response);
  EXPECT_EQ(f.details->message, "the token expired before its answer arrived (expires_in 100 s)");
}

// Newly owned: the remembered error and its details.
TEST_F(RefreshFsm, TheRememberedErrorKeepsTheServersDetails) {
  EXPECT_FALSE(fsm.last_error());
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  error_details details;
  details.http_status = 401;
  details.error_code = "401300";
  details.error_id = "ERROR-1";
  details.message = "Signature mismatch.";
  auto f = fsm.on_fetch_failed(t0 + 1s, sent_at(t0), permanent, details);
  ASSERT_EQ(f.kind, kind::fail_waiters);
  ASSERT_TRUE(f.details);
  EXPECT_EQ(f.details->error_code, "401300");
  EXPECT_EQ(fsm.last_error(), permanent);
  auto d = fsm.on_demand(t0 + 2s);
  ASSERT_EQ(d.kind, kind::fail);
  EXPECT_EQ(d.error, permanent);
  ASSERT_TRUE(d.details);
  EXPECT_EQ(d.details.get(), f.details.get());  // shared, not copied per caller
  EXPECT_EQ(d.details->error_id, "ERROR-1");
  EXPECT_EQ(d.details->http_status, 401u);
  EXPECT_EQ(d.details->message, "Signature mismatch.");
}

TEST_F(RefreshFsm, ARetryAfterInTheDetailsIsKeptWithThem) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fail(t0, make_error_code(error::rate_limited), 7s);
  ASSERT_EQ(f.kind, kind::back_off);
  ASSERT_TRUE(f.details);
  EXPECT_EQ(f.details->retry_after, 7s);
}

// Newly owned: the clock offset learnt from the server's Date.
struct RefreshFsmClock : RefreshFsm {
  const wall_time w0 = wall_time{} + std::chrono::hours(24 * 365 * 50);

  // An answer sent at wall time `sent`, received `rtt` later, with the server's Date `date`.
  answer_facts dated(steady_time now, wall_time sent, std::chrono::milliseconds rtt,
                     wall_time date) {
    answer_facts f = sent_at(now);
    f.sent_wall = sent;
    f.received_wall = sent + rtt;
    f.server_date = date;
    return f;
  }
};

TEST_F(RefreshFsmClock, AnOffsetOfFiveSecondsOrMoreIsLearntFromTheMidpoint) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  // Server 60 s ahead of the midpoint of a 4 s round trip: sent w0, received w0+4s, Date w0+62s.
  auto f = fsm.on_fetch_succeeded(t0, dated(t0, w0, 4000ms, w0 + 62s), 3600s);
  ASSERT_EQ(f.kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), 60s);
  // The next request is signed with it.
  auto next = fsm.on_invalidated(t0 + 1s);
  ASSERT_EQ(next.kind, kind::fetch);
  EXPECT_EQ(next.request.clock_offset, 60s);
}

TEST_F(RefreshFsmClock, DifferencesUnderFiveSecondsAreNoise) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  ASSERT_EQ(fsm.on_fetch_succeeded(t0, dated(t0, w0, 0ms, w0 + 4s), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), 0s);
  ASSERT_EQ(fsm.on_invalidated(t0 + 1s).kind, kind::fetch);
  ASSERT_EQ(fsm.on_fetch_succeeded(t0 + 1s, dated(t0, w0, 0ms, w0 + 5s), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), 5s);
  ASSERT_EQ(fsm.on_invalidated(t0 + 2s).kind, kind::fetch);
  ASSERT_EQ(fsm.on_fetch_succeeded(t0 + 2s, dated(t0, w0, 0ms, w0 + 1s), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), 5s);  // 4 s from the known offset: kept
  ASSERT_EQ(fsm.on_invalidated(t0 + 3s).kind, kind::fetch);
  ASSERT_EQ(fsm.on_fetch_succeeded(t0 + 3s, dated(t0, w0, 0ms, w0 - 10s), 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), -10s);
}

TEST_F(RefreshFsmClock, ATimestampRejectionAdoptsEvenASmallOffsetAndTheRetryUsesIt) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fsm.on_fetch_failed(t0, dated(t0, w0, 0ms, w0 + 3s), clock_skew, {});
  ASSERT_EQ(f.kind, kind::retry_at_once);
  EXPECT_EQ(fsm.clock_offset(), 3s);
  EXPECT_EQ(f.request.clock_offset, 3s);
}

TEST_F(RefreshFsmClock, AnswersWithoutDateOrSendTimeTeachNothing) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  answer_facts no_date = dated(t0, w0, 0ms, w0 + 100s);
  no_date.server_date.reset();
  ASSERT_EQ(fsm.on_fetch_failed(t0, no_date, clock_skew, {}).kind, kind::retry_at_once);
  EXPECT_EQ(fsm.clock_offset(), 0s);
  answer_facts no_sent = dated(t0, w0, 0ms, w0 + 100s);
  no_sent.sent_wall = wall_time{};
  ASSERT_EQ(fsm.on_fetch_succeeded(t0, no_sent, 3600s).kind, kind::adopt);
  EXPECT_EQ(fsm.clock_offset(), 0s);
}

TEST_F(RefreshFsmClock, FailedAnswersTeachTheOffsetToo) {
  ASSERT_TRUE(fsm.on_demand(t0).starts_request());
  auto f = fsm.on_fetch_failed(t0, dated(t0, w0, 2000ms, w0 - 1h), transient, {});
  ASSERT_EQ(f.kind, kind::back_off);
  EXPECT_EQ(fsm.clock_offset(), -1h - 1s);
  auto retry = fsm.on_timer(t0 + f.retry_in);
  ASSERT_EQ(retry.kind, kind::fetch);
  EXPECT_EQ(retry.request.clock_offset, -1h - 1s);
}

TEST(ClockOffset, TakesTheMidpointOfTheRoundTrip) {
  const wall_time w0 = wall_time{} + std::chrono::hours(24 * 365 * 50);
  clock_offset offset;
  EXPECT_EQ(offset.value(), 0s);
  // Sent at w0, received 10 s later; the server said w0 + 65 s: 60 s ahead of the midpoint.
  EXPECT_TRUE(offset.learn(w0, w0 + 10s, w0 + 65s, false));
  EXPECT_EQ(offset.value(), 60s);
  EXPECT_FALSE(offset.learn(w0, w0 + 10s, w0 + 65s, false));  // nothing new
  EXPECT_FALSE(offset.learn(w0, w0 + 10s, w0 + 68s, false));  // 3 s: noise
  EXPECT_EQ(offset.value(), 60s);
  EXPECT_TRUE(offset.learn(w0, w0 + 10s, w0 + 68s, true));  // unless the server just said so
  EXPECT_EQ(offset.value(), 63s);
  EXPECT_FALSE(offset.learn(w0, w0 + 10s, std::nullopt, true));  // no Date: nothing to learn
  EXPECT_FALSE(offset.learn(wall_time{}, w0, w0, true));         // send time unknown
  EXPECT_EQ(offset.value(), 63s);
}

}  // namespace
}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

// The state machine tests' common ground: a start time, a retry policy, one error of each failure
// kind, and a fixture that gets a first token.

#include <chrono>
#include <optional>

#include <gtest/gtest.h>

#include "provider/refresh_fsm.hpp"

namespace here::oauth::detail::test_fsm {

using namespace std::chrono_literals;
using phase = refresh_fsm::phase;
using kind = action_kind;
using boost::system::error_code;

// One error of each failure kind.
inline const error_code transient = make_error_code(error::server_error);
inline const error_code permanent = make_error_code(error::signature_rejected);
inline const error_code clock_skew = make_error_code(error::timestamp_rejected);

inline constexpr steady_time t0 = steady_time{} + 1000h;

inline retry_policy test_retry() {
  retry_policy r;
  r.max_attempts = 3;
  r.base_delay = 100ms;
  r.max_delay = 1000ms;
  r.permanent_error_backoff = 30s;
  r.max_retry_after = 60s;
  return r;
}

// The facts of an answer to a request sent at `sent` (no Date header).
inline answer_facts sent_at(steady_time sent) {
  answer_facts f;
  f.sent = sent;
  return f;
}

// A failed answer (sent at `now`) of error ec, with a Retry-After if given.
inline refresh_action fail(refresh_fsm& fsm, steady_time now, error_code ec,
                           std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  error_details details;
  details.retry_after = retry_after;
  return fsm.on_fetch_failed(now, sent_at(now), ec, details);
}

struct RefreshFsm : ::testing::Test {
  refresh_fsm fsm{300s, 30s, test_retry(), [] { return 0.5; }};

  // A first token of the given lifetime, requested at `sent` and answered at `now`.
  void get_first_token(steady_time sent, steady_time now, std::chrono::seconds lifetime) {
    auto d = fsm.on_demand(sent);
    ASSERT_EQ(d.kind, kind::wait_and_fetch);
    ASSERT_TRUE(d.starts_request());
    auto f = fsm.on_fetch_succeeded(now, sent_at(sent), lifetime);
    ASSERT_EQ(f.kind, kind::adopt);  // adopted, and the waiters get it
  }
  refresh_action fail(steady_time now, error_code ec,
                      std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    return test_fsm::fail(fsm, now, ec, retry_after);
  }
};

}  // namespace here::oauth::detail::test_fsm

// SPDX-License-Identifier: Apache-2.0
// The waiter list on its own: arrival order, each waiter completed on its handler's executor and
// never inside the completing call, cancellation of one waiter alone, work tracking, batches.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "provider/completing_details.hpp"
#include "provider/waiter_list.hpp"
#include "provider_test_util.hpp"

namespace here::oauth::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using test::settle;

struct WaiterList : ::testing::Test {
  asio::io_context io;
  std::shared_ptr<waiter_list> list =
      std::make_shared<waiter_list>(io.get_executor(), asio::make_strand(io.get_executor()));

  static std::shared_ptr<const access_token> token(const std::string& value) {
    auto t = std::make_shared<access_token>();
    t->value = value;
    return t;
  }
};

TEST_F(WaiterList, CompletesInArrivalOrderNeverInsideTheCall) {
  std::vector<std::string> got;
  for (int i = 0; i < 3; ++i) {
    list->push_back(list->make(
        [&got, i](error_code ec, access_token t) {
          got.push_back(std::to_string(i) + ":" + (ec ? ec.message() : t.value));
        },
        nullptr));
  }
  EXPECT_EQ(list->size(), 3u);
  list->complete_all({}, token("t"), nullptr);
  EXPECT_TRUE(list->empty());
  EXPECT_TRUE(got.empty());  // posted, not run
  settle(io);
  EXPECT_EQ(got, (std::vector<std::string>{"0:t", "1:t", "2:t"}));
}

TEST_F(WaiterList, EachWaiterCompletesOnItsOwnExecutor) {
  asio::io_context other;
  bool on_other = false;
  bool on_fallback = false;
  list->push_back(
      list->make(asio::bind_executor(other.get_executor(),
                                     [&](error_code, access_token) {
                                       on_other = other.get_executor().running_in_this_thread();
                                     }),
                 nullptr));
  list->push_back(list->make(
      [&](error_code, access_token) { on_fallback = io.get_executor().running_in_this_thread(); },
      nullptr));
  list->complete_all({}, token("t"), nullptr);
  settle(io);
  EXPECT_TRUE(on_fallback);
  EXPECT_FALSE(on_other);  // not run by the list's context
  settle(other);
  EXPECT_TRUE(on_other);
}

TEST_F(WaiterList, CancellingOneWaiterCompletesItAloneWithOperationAborted) {
  asio::cancellation_signal signal;
  std::vector<std::string> got;
  auto record = [&got](std::string name) {
    return [&got, name](error_code ec, access_token t) {
      got.push_back(
          name + ":" +
          (ec ? std::string(ec == asio::error::operation_aborted ? "aborted" : ec.message())
              : t.value));
    };
  };
  list->push_back(list->make(record("a"), nullptr));
  list->push_back(list->make(asio::bind_cancellation_slot(signal.slot(), record("b")), nullptr));
  list->push_back(list->make(record("c"), nullptr));
  for (auto type : {asio::cancellation_type::terminal}) {
    signal.emit(type);
  }
  settle(io);
  EXPECT_EQ(got, (std::vector<std::string>{"b:aborted"}));
  EXPECT_EQ(list->size(), 2u);
  list->complete_all({}, token("t"), nullptr);
  settle(io);
  EXPECT_EQ(got, (std::vector<std::string>{"b:aborted", "a:t", "c:t"}));
}

TEST_F(WaiterList, EveryCancellationTypeIsHonoured) {
  for (auto type : {asio::cancellation_type::terminal, asio::cancellation_type::partial,
                    asio::cancellation_type::total}) {
    asio::cancellation_signal signal;
    error_code got;
    list->push_back(list->make(
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec, access_token) { got = ec; }),
        nullptr));
    signal.emit(type);
    settle(io);
    EXPECT_EQ(got, asio::error::operation_aborted);
    EXPECT_TRUE(list->empty());
  }
}

TEST_F(WaiterList, AWaiterCancelledBeforeItIsQueuedIsDone) {
  asio::cancellation_signal signal;
  int calls = 0;
  auto w = list->make(
      asio::bind_cancellation_slot(signal.slot(), [&](error_code, access_token) { ++calls; }),
      nullptr);
  EXPECT_FALSE(waiter_list::done(*w));
  signal.emit(asio::cancellation_type::terminal);
  settle(io);
  EXPECT_TRUE(waiter_list::done(*w));  // the provider then does not queue it
  EXPECT_EQ(calls, 1);
}

TEST_F(WaiterList, CancellationAfterCompletionIsHarmless) {
  asio::cancellation_signal signal;
  int calls = 0;
  error_code got;
  list->push_back(list->make(asio::bind_cancellation_slot(signal.slot(),
                                                          [&](error_code ec, access_token) {
                                                            ++calls;
                                                            got = ec;
                                                          }),
                             nullptr));
  list->complete_all({}, token("t"), nullptr);
  settle(io);
  signal.emit(asio::cancellation_type::terminal);  // the slot was cleared on completion
  settle(io);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(got);
}

TEST_F(WaiterList, ErrorsCarryTheirDetailsToTheOutParameterAndWhileTheHandlerRuns) {
  error_details out;
  std::string seen_while_running;
  list->push_back(list->make(
      [&](error_code ec, access_token t) {
        EXPECT_EQ(ec, error::signature_rejected);
        EXPECT_TRUE(t.value.empty());
        const error_details* now = completing_details();
        seen_while_running = now != nullptr ? now->error_code : "(null)";
      },
      &out));
  auto details = std::make_shared<error_details>();
  details->error_code = "401300";
  details->message = "Signature mismatch.";
  list->complete_all(make_error_code(error::signature_rejected), token("ignored"), details);
  settle(io);
  EXPECT_EQ(seen_while_running, "401300");
  EXPECT_EQ(out.error_code, "401300");
  EXPECT_EQ(out.message, "Signature mismatch.");
  EXPECT_EQ(completing_details(), nullptr);  // only while the handler runs
}

TEST_F(WaiterList, CompleteOneLeavesTheOthersQueued) {
  std::vector<std::string> got;
  auto a = list->make([&](error_code, access_token t) { got.push_back("a:" + t.value); }, nullptr);
  auto b = list->make([&](error_code, access_token t) { got.push_back("b:" + t.value); }, nullptr);
  list->push_back(a);
  list->push_back(b);
  list->complete(b, {}, token("mine"), nullptr);
  EXPECT_EQ(list->size(), 1u);
  settle(io);
  EXPECT_EQ(got, (std::vector<std::string>{"b:mine"}));
  auto unqueued =
      list->make([&](error_code ec, access_token) { got.push_back(ec.message()); }, nullptr);
  list->complete(unqueued, make_error_code(error::backing_off), nullptr, nullptr);
  EXPECT_EQ(list->size(), 1u);
  settle(io);
  EXPECT_EQ(got.size(), 2u);
}

TEST_F(WaiterList, AWaiterKeepsItsExecutorBusyUnlessToldNotTo) {
  asio::io_context other;
  auto bound = [&](bool* called) {
    return asio::bind_executor(other.get_executor(),
                               [called](error_code, access_token) { *called = true; });
  };
  bool tracked_called = false;
  list->push_back(list->make(bound(&tracked_called), nullptr, /*track_work=*/true));
  other.poll();
  EXPECT_FALSE(other.stopped());  // run() would wait for the completion
  list->complete_all({}, token("t"), nullptr);
  settle(io);
  settle(other);
  EXPECT_TRUE(tracked_called);
  EXPECT_TRUE(other.stopped());  // and return once it ran

  other.restart();
  bool untracked_called = false;
  list->push_back(list->make(bound(&untracked_called), nullptr, /*track_work=*/false));
  other.poll();
  EXPECT_TRUE(other.stopped());  // co_spawn's own work keeps a coroutine's executor busy
  list->complete_all({}, token("t"), nullptr);
  settle(io);
  settle(other);
  EXPECT_TRUE(untracked_called);
}

TEST_F(WaiterList, AHerdCompletesInBatchesAndAThrowingHandlerLeavesTheRestToRun) {
  constexpr int herd = 1000;  // many batches of 64
  std::vector<int> order;
  for (int i = 0; i < herd; ++i) {
    list->push_back(list->make(
        [&order, i](error_code, access_token) {
          order.push_back(i);
          if (i == 100)
            throw std::runtime_error("handler failed");
        },
        nullptr));
  }
  list->complete_all({}, token("t"), nullptr);
  int thrown = 0;
  for (;;) {
    try {
      settle(io);
      break;
    } catch (const std::runtime_error&) {
      ++thrown;
    }
  }
  EXPECT_EQ(thrown, 1);
  // In arrival order up to the handler that threw; the rest of its batch is posted again (behind
  // the batches already queued), and every waiter completes exactly once.
  ASSERT_EQ(order.size(), static_cast<std::size_t>(herd));
  for (int i = 0; i <= 100; ++i)
    EXPECT_EQ(order[i], i);
  std::sort(order.begin(), order.end());
  for (int i = 0; i < herd; ++i)
    EXPECT_EQ(order[i], i);
}

TEST_F(WaiterList, DestroyingTheListLeavesCancellationSafe) {
  asio::cancellation_signal signal;
  int calls = 0;
  list->push_back(list->make(
      asio::bind_cancellation_slot(signal.slot(), [&](error_code, access_token) { ++calls; }),
      nullptr));
  list.reset();
  signal.emit(asio::cancellation_type::terminal);  // the list is gone: nothing to do
  settle(io);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace here::oauth::detail

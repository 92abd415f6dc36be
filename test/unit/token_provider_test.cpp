// SPDX-License-Identifier: Apache-2.0
// token_provider over a transport the test controls: every request completes when and how the
// test says, so single flight, cancellation, completion tokens and error handling are checked
// deterministically. The real HTTPS path is covered in test/integration/token_provider_test.cpp.
#include <atomic>
#include <deque>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider/provider_access.hpp"
#include "provider_test_util.hpp"
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

using test::scripted_transport;

using test::fast_retries;
using test::settle;

TEST(TokenProvider, ConcurrentCallersShareOneRequest) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  constexpr int callers = 100000;
  int got = 0;
  for (int i = 0; i < callers; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          access_token t = co_await provider.token();
          if (t.value == "token-1")
            ++got;
        },
        asio::detached);
  }
  settle(io);
  ASSERT_EQ(transport.requests(), 1u);
  EXPECT_EQ(got, 0);
  transport.finish(0, {}, scripted_transport::token("token-1"));
  settle(io);
  EXPECT_EQ(got, callers);
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_EQ(provider.stats().requests, 1u);
  EXPECT_EQ(provider.stats().waits, static_cast<std::uint64_t>(callers));
  provider.cancel();
}

TEST(TokenProvider, ConcurrentCallersOnAThreadPoolShareOneRequest) {
  asio::thread_pool pool(4);
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(pool.get_executor(), transport.function());
  constexpr int callers = 20000;
  std::atomic<int> got{0};
  std::promise<void> all_done;
  for (int i = 0; i < callers; ++i) {
    asio::co_spawn(
        pool,
        [&]() -> asio::awaitable<void> {
          access_token t = co_await provider.token();
          if (t.value == "pooled" && ++got == callers)
            all_done.set_value();
        },
        asio::detached);
  }
  // Wait until the one request has been made, then answer it.
  while (transport.requests() == 0)
    std::this_thread::yield();
  transport.finish(0, {}, scripted_transport::token("pooled"));
  all_done.get_future().wait();
  EXPECT_EQ(got.load(), callers);
  EXPECT_EQ(transport.requests(), 1u);
  provider.cancel();
  pool.join();
}

TEST(TokenProvider, CacheHitsMakeNoRequest) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  provider.async_token([](error_code, access_token) {});
  settle(io);
  transport.finish(0, {}, scripted_transport::token("cached"));
  settle(io);
  ASSERT_TRUE(provider.cached());
  EXPECT_EQ(provider.cached()->value, "cached");
  int served = 0;
  for (int i = 0; i < 1000; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          if ((co_await provider.token()).value == "cached")
            ++served;
        },
        asio::detached);
  }
  settle(io);
  EXPECT_EQ(served, 1000);
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_EQ(provider.stats().cache_hits, 1000u);
  provider.cancel();
}

TEST(TokenProvider, EachWaiterResumesOnItsOwnExecutor) {
  asio::io_context provider_io;
  asio::io_context caller_io;
  scripted_transport transport;
  token_provider provider =
      detail::provider_access::make(provider_io.get_executor(), transport.function());
  bool on_caller_context = false;
  asio::co_spawn(
      caller_io,
      [&]() -> asio::awaitable<void> {
        co_await provider.token();
        on_caller_context = caller_io.get_executor().running_in_this_thread();
      },
      asio::detached);
  settle(caller_io);
  settle(provider_io);
  transport.finish(0, {}, scripted_transport::token("t"));
  settle(provider_io);
  EXPECT_FALSE(on_caller_context);  // not resumed by the provider's context
  std::thread caller_thread([&] { settle(caller_io); });
  caller_thread.join();
  EXPECT_TRUE(on_caller_context);
  provider.cancel();
}

TEST(TokenProvider, CallbacksAreNeverInvokedInsideTheInitiatingCall) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  bool called = false;
  provider.async_token([&](error_code, access_token) { called = true; });
  EXPECT_FALSE(called);
  settle(io);
  transport.finish(0, {}, scripted_transport::token("t"));
  settle(io);
  EXPECT_TRUE(called);
  called = false;
  provider.async_token([&](error_code ec, access_token t) {  // a cache hit
    called = !ec && t.value == "t";
  });
  EXPECT_FALSE(called);
  settle(io);
  EXPECT_TRUE(called);
  provider.cancel();
}

TEST(TokenProvider, WorksWithEveryCompletionToken) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  std::vector<std::string> results;

  provider.async_token([&](error_code ec, access_token t) {
    results.push_back("callback:" + (ec ? ec.message() : t.value));
  });
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto t = co_await provider.async_token(asio::use_awaitable);
        results.push_back("use_awaitable:" + t.value);
        auto [ec, t2] = co_await provider.async_token(asio::as_tuple(asio::use_awaitable));
        results.push_back("as_tuple:" + (ec ? ec.message() : t2.value));
        auto t3 = co_await provider.async_token(asio::deferred);
        results.push_back("deferred:" + t3.value);
      },
      asio::detached);
  auto lazy = provider.async_token(asio::deferred);
  settle(io);
  ASSERT_EQ(transport.requests(), 1u);
  transport.finish(0, {}, scripted_transport::token("tok"));
  settle(io);
  std::move(lazy)([&](error_code ec, access_token t) {
    results.push_back("deferred-callback:" + (ec ? ec.message() : t.value));
  });
  settle(io);

  std::thread runner([&] {
    auto work = asio::make_work_guard(io);
    io.restart();
    io.run_for(5s);
  });
  auto future = provider.async_token(asio::use_future);
  EXPECT_EQ(future.get().value, "tok");
  provider.cancel();
  io.stop();
  runner.join();

  std::sort(results.begin(), results.end());
  EXPECT_EQ(results,
            (std::vector<std::string>{"as_tuple:tok", "callback:tok", "deferred-callback:tok",
                                      "deferred:tok", "use_awaitable:tok"}));
}

TEST(TokenProvider, ACancelledWaiterCompletesAloneAndTheRequestGoesOn) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  asio::cancellation_signal signal;
  error_code cancelled_ec;
  int others = 0;
  provider.async_token(asio::bind_cancellation_slot(
      signal.slot(), [&](error_code ec, access_token) { cancelled_ec = ec; }));
  for (int i = 0; i < 10; ++i) {
    provider.async_token([&](error_code ec, access_token t) { others += !ec && t.value == "x"; });
  }
  settle(io);
  signal.emit(asio::cancellation_type::terminal);
  settle(io);
  EXPECT_EQ(cancelled_ec, asio::error::operation_aborted);
  EXPECT_EQ(transport.cancelled(), 0);
  transport.finish(0, {}, scripted_transport::token("x"));
  settle(io);
  EXPECT_EQ(others, 10);
  EXPECT_EQ(transport.requests(), 1u);
  provider.cancel();
}

TEST(TokenProvider, CancelledAwaitingCoroutineGetsOperationAborted) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  asio::cancellation_signal signal;
  error_code seen;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await provider.token();
        } catch (const token_error& e) {
          seen = e.code();
        }
      },
      asio::bind_cancellation_slot(signal.slot(), asio::detached));
  settle(io);
  signal.emit(asio::cancellation_type::terminal);
  settle(io);
  EXPECT_EQ(seen, asio::error::operation_aborted);
  provider.cancel();
}

TEST(TokenProvider, CancelCompletesEveryWaiterAndLeavesNoWork) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  int aborted = 0;
  for (int i = 0; i < 5; ++i) {
    provider.async_token(
        [&](error_code ec, access_token) { aborted += ec == asio::error::operation_aborted; });
  }
  settle(io);
  provider.cancel();
  io.restart();
  io.run();  // returns: no timer, no request, no waiter left
  EXPECT_EQ(aborted, 5);
  EXPECT_EQ(transport.cancelled(), 1);
}

TEST(TokenProvider, DestructionCompletesWaitersAndRunReturns) {
  asio::io_context io;
  scripted_transport transport;
  int aborted = 0;
  {
    token_provider provider =
        detail::provider_access::make(io.get_executor(), transport.function());
    provider.async_token(
        [&](error_code ec, access_token) { aborted += ec == asio::error::operation_aborted; });
    settle(io);
    transport.finish(0, {}, scripted_transport::token("t"));
    settle(io);  // now a token is cached and the refresh timer is armed
    provider.async_token([](error_code, access_token) {});
  }
  io.restart();
  io.run();
  EXPECT_EQ(aborted, 0);
  EXPECT_EQ(transport.requests(), 1u);
}

TEST(TokenProvider, InvalidateOfTheCachedTokenFetchesOnceHoweverManyReportIt) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  provider.async_token([](error_code, access_token) {});
  settle(io);
  transport.finish(0, {}, scripted_transport::token("first"));
  settle(io);
  access_token first = *provider.cached();

  std::vector<std::thread> reporters;
  for (int i = 0; i < 8; ++i) {
    reporters.emplace_back([&] {
      for (int j = 0; j < 100; ++j)
        provider.invalidate(first);
    });
  }
  for (auto& t : reporters)
    t.join();
  EXPECT_FALSE(provider.cached());  // withdrawn at once
  settle(io);
  EXPECT_EQ(transport.requests(), 2u);
  std::string next;
  provider.async_token([&](error_code, access_token t) { next = t.value; });
  transport.finish(1, {}, scripted_transport::token("second"));
  settle(io);
  EXPECT_EQ(next, "second");

  provider.invalidate(first);  // an older token: ignored
  settle(io);
  EXPECT_EQ(transport.requests(), 2u);
  EXPECT_EQ(provider.cached()->value, "second");
  provider.cancel();
}

TEST(TokenProvider, ProactiveRefreshHappensWithoutCallers) {
  asio::io_context io;
  scripted_transport transport;
  token_provider provider = detail::provider_access::make(io.get_executor(), transport.function());
  provider.async_token([](error_code, access_token) {});
  settle(io);
  // A one-second token: its soft point is half a second after the request was sent.
  transport.finish(0, {}, scripted_transport::token("short", 1s));
  settle(io);
  const auto stats_before = provider.stats();
  while (transport.requests() < 2)
    io.run_one();  // only the provider's own timer can get here
  EXPECT_EQ(provider.stats().waits, stats_before.waits);  // nobody was waiting
  transport.finish(1, {}, scripted_transport::token("renewed"));
  settle(io);
  ASSERT_TRUE(provider.cached());
  EXPECT_EQ(provider.cached()->value, "renewed");
  provider.cancel();
}

}  // namespace
}  // namespace here::oauth

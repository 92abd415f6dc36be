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
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;

using test::scripted_transport;

provider_options fast_retries() {
  provider_options o;
  o.retry.base_delay = 1ms;
  o.retry.max_delay = 2ms;
  o.retry.max_attempts = 3;
  return o;
}

// Runs the context until it has nothing ready to do.
void settle(asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) {
  }
}

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

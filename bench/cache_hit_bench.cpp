// SPDX-License-Identifier: Apache-2.0
// Cache hits: co_await provider.token(), async_token with a callback and cached(), on 1, 2 and 4
// threads sharing one provider, beside the mutex-guarded cache (baseline_mutex_provider) called
// synchronously. The provider's token comes from a fetch function that answers at once (no network:
// only the cache path is measured); tokens are HERE-sized (900 characters).
//
// Layout: the provider lives on an io_context run by a service thread of its own; each benchmark
// thread runs its own io_context for its coroutine or callbacks, as a multi-threaded service does.
#include <time.h>

#include <optional>
#include <thread>

#include <benchmark/benchmark.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth.hpp>

#include "baseline_mutex_provider.hpp"
#include "common.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using here::oauth::access_token;
using here::oauth::fetch_result;
using here::oauth::token_provider;
using here::oauth::bench::baseline_mutex_provider;

fetch_result in_memory_fetch() {
  fetch_result r;
  r.token.value = here::oauth::bench::jwt_like_token(7);
  r.token.token_type = "bearer";
  r.expires_in = 3600s;
  r.sent_at = std::chrono::system_clock::now();
  r.sent_at_steady = std::chrono::steady_clock::now();
  r.token.expires_at = r.sent_at + r.expires_in;
  return r;
}

/// One provider (and one baseline) shared by every benchmark and thread, each holding a usable
/// token of 900 characters that stays fresh for an hour.
struct hit_fixture {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::thread service;
  std::unique_ptr<token_provider> provider;
  baseline_mutex_provider baseline{in_memory_fetch};

  hit_fixture() {
    provider = here::oauth::detail::provider_access::make_unique(
        io.get_executor(), here::oauth::bench::immediate_fetch(3600s));
    service = std::thread([this] { io.run(); });
    provider->async_token(asio::use_future).get();  // the first fetch
    if (!provider->cached() || provider->cached()->value.size() != 900)
      throw std::runtime_error("the provider holds no 900-character token");
    baseline.get_token();
  }
  ~hit_fixture() {
    provider.reset();
    work.reset();
    service.join();
  }
};

hit_fixture& fixture() {
  static hit_fixture f;
  return f;
}

asio::awaitable<void> co_await_loop(benchmark::State& state, token_provider& provider) {
  for (auto _ : state) {
    access_token t = co_await provider.token();
    benchmark::DoNotOptimize(t.value.data());
  }
}

void hit_co_await(benchmark::State& state) {
  auto& f = fixture();
  asio::io_context io;  // this thread's own
  asio::co_spawn(io, co_await_loop(state, *f.provider), here::oauth::bench::rethrow{});
  io.run();
  state.SetItemsProcessed(state.iterations());
}

void hit_async_token(benchmark::State& state) {
  auto& f = fixture();
  asio::io_context io;  // this thread's own: the callback runs here
  auto guard = asio::make_work_guard(io);
  std::size_t completed = 0;
  auto callback = [&completed](boost::system::error_code ec, access_token t) {
    benchmark::DoNotOptimize(t.value.data());
    completed += ec ? 0 : 1;
  };
  for (auto _ : state) {
    f.provider->async_token(asio::bind_executor(io.get_executor(), callback));
    io.run_one();
  }
  if (completed != static_cast<std::size_t>(state.iterations()))
    state.SkipWithError("a callback did not get the token");
  state.SetItemsProcessed(state.iterations());
  // Another thread may still hold work on io (a completion that hopped through the provider's
  // executor releases it after posting here): wait for it before io is destroyed.
  guard.reset();
  io.run();
}

void hit_cached(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    std::optional<access_token> t = f.provider->cached();
    benchmark::DoNotOptimize(t->value.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void baseline_mutex_sync(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    access_token t = f.baseline.get_token();
    benchmark::DoNotOptimize(t.value.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// Floors, for reading the figures above: what co_await of any Asio awaitable that returns a copy of
// a 900-character token costs (no provider, no clock), and a steady_clock read.
asio::awaitable<access_token> ready_copy(const access_token& source) {
  co_return source;
}

asio::awaitable<void> ready_copy_loop(benchmark::State& state, const access_token& source) {
  for (auto _ : state) {
    access_token t = co_await ready_copy(source);
    benchmark::DoNotOptimize(t.value.data());
  }
}

void floor_co_await_copy(benchmark::State& state) {
  const access_token source = in_memory_fetch().token;
  asio::io_context io;
  asio::co_spawn(io, ready_copy_loop(state, source), here::oauth::bench::rethrow{});
  io.run();
  state.SetItemsProcessed(state.iterations());
}

void floor_steady_clock(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(std::chrono::steady_clock::now());
  state.SetItemsProcessed(state.iterations());
}

// How much of the machine two busy threads get during this run: the 2-thread figures above can
// scale only as far as this (on a shared machine, other processes take their share). Each thread
// spins and compares its own CPU time with the wall time; the counter sums the threads.
void cores_available(benchmark::State& state) {
  auto thread_cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  };
  std::chrono::nanoseconds cpu{0}, wall{0};
  for (auto _ : state) {
    const auto wall0 = std::chrono::steady_clock::now();
    const auto cpu0 = thread_cpu();
    while (std::chrono::steady_clock::now() - wall0 < 100ms) {
    }
    cpu += thread_cpu() - cpu0;
    wall += std::chrono::steady_clock::now() - wall0;
  }
  state.counters["cores"] = static_cast<double>(cpu.count()) / static_cast<double>(wall.count());
}

// The floor under every figure above: each API hands out its own copy of a 900-character token.
void copy_access_token(benchmark::State& state) {
  const access_token source = in_memory_fetch().token;
  for (auto _ : state) {
    access_token t = source;
    benchmark::DoNotOptimize(t.value.data());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(hit_co_await)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(hit_async_token)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(hit_cached)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(baseline_mutex_sync)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(copy_access_token)->Threads(1)->UseRealTime();
BENCHMARK(floor_co_await_copy)->Threads(1)->UseRealTime();
BENCHMARK(floor_steady_clock)->Threads(1)->UseRealTime();
BENCHMARK(cores_available)->Threads(2)->Iterations(5)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// SPDX-License-Identifier: Apache-2.0
// Herd: 100 000 coroutines await one token request to the local token server (which answers after
// 1 s, so they are all waiting when the answer comes). Measured:
// - requests made (must be 1);
// - the time from the answer (the provider's request_succeeded event, just before it completes
//   the waiters) to the last waiter resumed, all on one thread;
// - the provider's own memory per waiter: live heap bytes per waiter (this program interposes
//   counting versions of malloc and friends, counting_allocator.cpp), minus the same figure for
//   100 000 coroutines of the same shape awaiting a plain steady_timer, which is what the
//   coroutine frames and Asio's own wait take. Counted at the margin (the last 99 000 waiters), so
//   the request in flight and other fixed costs drop out. The requested sizes of one more
//   waiter's allocations are printed on stderr.
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth.hpp>

#include "common.hpp"
#include "counting_allocator.hpp"
#include "local_token_server.hpp"

namespace {

namespace asio = boost::asio;
namespace allocations = here::oauth::bench::allocations;
using namespace std::chrono_literals;
using here::oauth::access_token;
using here::oauth::provider_event;
using here::oauth::provider_options;
using here::oauth::token_provider;
using here::oauth::bench::clock;
using here::oauth::test_support::fault;
using here::oauth::test_support::local_token_server;
using here::oauth::test_support::scripted_reply;

constexpr int herd_size = 100000;
constexpr int first_batch = 1000;  // memory is counted over the waiters after these

struct herd_state {
  int started = 0;
  int resumed = 0;
  clock::time_point first_resume{}, last_resume{};

  void resume() {
    const auto now = clock::now();
    if (resumed++ == 0)
      first_resume = now;
    last_resume = now;
  }
};

asio::awaitable<void> provider_waiter(token_provider& provider, herd_state& s) {
  ++s.started;
  access_token t = co_await provider.token();
  s.resume();
  benchmark::DoNotOptimize(t.value.data());
}

// The same shape (an access_token local, the same bookkeeping) awaiting a timer instead.
asio::awaitable<void> timer_waiter(asio::steady_timer& timer, herd_state& s) {
  ++s.started;
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  access_token t;
  t.token_type = ec ? "aborted" : "expired";
  s.resume();
  benchmark::DoNotOptimize(t.token_type.data());
}

std::string describe_trace(const char* what, const std::size_t* sizes, std::size_t n) {
  std::string out = what;
  out += ": ";
  std::size_t total = 0;
  for (std::size_t i = 0; i < n && i < 64; ++i) {
    out += std::to_string(sizes[i]) + " ";
    total += sizes[i];
  }
  out += "(" + std::to_string(n) + " allocations, " + std::to_string(total) + " bytes requested)";
  return out;
}

struct memory_figures {
  double bytes_per_waiter = 0;
  std::string trace;
};

/// Spawns waiters with spawn(i) and runs io until queued(n) holds for all of them; returns the
/// marginal live bytes per waiter, and the allocations one more waiter makes on its way in.
template <class Spawn, class Queued>
memory_figures fill(asio::io_context& io, Spawn spawn, Queued queued, const char* what) {
  for (int i = 0; i < first_batch; ++i)
    spawn();
  while (!queued(first_batch))
    io.run_one();
  const std::int64_t before = allocations::live_bytes();
  for (int i = first_batch; i < herd_size; ++i)
    spawn();
  while (!queued(herd_size))
    io.run_one();
  const std::int64_t after = allocations::live_bytes();

  std::size_t sizes[64];
  allocations::start_trace(sizes, 64);
  spawn();
  while (!queued(herd_size + 1))
    io.run_one();
  const std::size_t n = allocations::stop_trace();

  memory_figures m;
  m.bytes_per_waiter = static_cast<double>(after - before) / (herd_size - first_batch);
  m.trace = describe_trace(what, sizes, n);
  return m;
}

void herd(benchmark::State& state) {
  for (auto _ : state) {
    // The floor: coroutines of the same shape awaiting one steady_timer.
    memory_figures timer_memory;
    double timer_resume_ms = 0;
    {
      asio::io_context io;
      asio::steady_timer timer(io, 1h);
      herd_state s;
      timer_memory = fill(
          io, [&] { asio::co_spawn(io, timer_waiter(timer, s), here::oauth::bench::rethrow{}); },
          [&](int n) { return s.started >= n && io.poll() == 0; }, "timer waiter");
      const auto fire = clock::now();
      timer.cancel();
      while (s.resumed < herd_size + 1)
        io.run_one();
      timer_resume_ms = here::oauth::bench::ns_between(fire, s.last_resume) / 1e6;
    }

    local_token_server server;  // 900-character tokens
    scripted_reply slow;
    slow.what = fault::delay;
    slow.delay = 1s;
    server.push(slow);

    asio::io_context io;
    clock::time_point answered{};
    provider_options options;
    options.ca_file = server.ca_file();
    options.use_environment_proxy = false;
    options.on_event = [&answered](const provider_event& e) {
      if (e.type == provider_event::kind::request_succeeded)
        answered = clock::now();
    };
    token_provider provider(io.get_executor(), server.credentials(), options);
    herd_state s;
    const memory_figures provider_memory = fill(
        io,
        [&] { asio::co_spawn(io, provider_waiter(provider, s), here::oauth::bench::rethrow{}); },
        [&](int n) { return provider.stats().waits >= static_cast<std::uint64_t>(n); },
        "provider waiter");
    const auto all_queued = clock::now();
    while (s.resumed < herd_size + 1)
      io.run_one();
    if (answered < all_queued) {
      state.SkipWithError("the answer came before every waiter was queued");
      break;
    }
    const double resume_ms = here::oauth::bench::ns_between(answered, s.last_resume) / 1e6;
    state.SetIterationTime(resume_ms / 1e3);
    state.counters["requests"] = static_cast<double>(server.request_count());
    state.counters["provider_requests"] = static_cast<double>(provider.stats().requests);
    state.counters["resume_last_ms"] = resume_ms;
    state.counters["resume_first_ms"] =
        here::oauth::bench::ns_between(answered, s.first_resume) / 1e6;
    state.counters["timer_resume_last_ms"] = timer_resume_ms;
    state.counters["bytes_per_waiter_gross"] = provider_memory.bytes_per_waiter;
    state.counters["timer_bytes_per_waiter"] = timer_memory.bytes_per_waiter;
    state.counters["bytes_per_waiter"] =
        provider_memory.bytes_per_waiter - timer_memory.bytes_per_waiter;
    std::fprintf(stderr, "%s\n%s\n", timer_memory.trace.c_str(), provider_memory.trace.c_str());
    provider.cancel();
  }
}

double max_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

BENCHMARK(herd)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("max", max_of);

}  // namespace

BENCHMARK_MAIN();

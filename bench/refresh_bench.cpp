// SPDX-License-Identifier: Apache-2.0
// During a refresh: the latency of token() calls made while a refresh is in flight and the token
// server takes 200 ms to answer it, against the mutex-guarded cache that holds its mutex across the
// request (baseline_mutex_provider, as HERE's own C++ SDK does).
//
// The local token server issues 900-character tokens that live 2 s, so both caches reach their soft
// point (half the lifetime) 1 s after each request; each refresh request is answered after a 200 ms
// delay (fault::delay). Two caller threads each call, then sleep 20 µs, then call again; every call
// whose [start, end] overlaps a refresh (from the request's start to its answer being adopted) is a
// sample. A call during which its thread was preempted (its involuntary context switch count
// moved, getrusage(RUSAGE_THREAD)) is counted apart: that time belongs to the OS scheduler of a
// shared machine, not to the cache.
#include <sys/resource.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <here/oauth.hpp>

#include "baseline_mutex_provider.hpp"
#include "common.hpp"
#include "local_token_server.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using here::oauth::access_token;
using here::oauth::provider_event;
using here::oauth::provider_options;
using here::oauth::token_provider;
using here::oauth::bench::clock;
using here::oauth::test_support::fault;
using here::oauth::test_support::local_token_server;
using here::oauth::test_support::scripted_reply;
using here::oauth::test_support::server_options;

constexpr int refreshes = 4;  // per repetition
constexpr int caller_threads = 2;
constexpr auto server_delay = 200ms;
constexpr auto token_lifetime = 2s;
constexpr auto pace = 20us;

struct call_sample {
  clock::time_point start, end;
  bool preempted;
};

struct window {
  clock::time_point start, end;
};

long involuntary_switches() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_nivcsw;
}

/// What both runs share: the calls each thread made and the refresh windows.
struct recorder {
  std::mutex mutex;
  std::vector<window> windows;
  std::vector<std::vector<call_sample>> calls =
      std::vector<std::vector<call_sample>>(caller_threads);
  std::atomic<int> refreshes_done{0};
  std::atomic<bool> stop{false};
  clock::time_point open_start{};
  int starts = 0;

  void refresh_started() {
    std::lock_guard lock(mutex);
    if (starts++ > 0)  // the first request is the initial fetch, not a refresh
      open_start = clock::now();
  }
  void refresh_ended() {
    const auto now = clock::now();
    std::lock_guard lock(mutex);
    if (open_start == clock::time_point{})
      return;
    windows.push_back({open_start, now});
    open_start = {};
    if (++refreshes_done >= refreshes)
      stop = true;
  }

  /// Latencies (ns) of calls overlapping a refresh window: all of them and the unpreempted ones.
  void samples(std::vector<double>& all, std::vector<double>& unpreempted, int& preempted) {
    for (auto& per_thread : calls) {
      for (const call_sample& c : per_thread) {
        bool overlaps = false;
        for (const window& w : windows)
          overlaps = overlaps || (c.start < w.end && c.end > w.start);
        if (!overlaps)
          continue;
        const double ns = here::oauth::bench::ns_between(c.start, c.end);
        all.push_back(ns);
        if (c.preempted)
          ++preempted;
        else
          unpreempted.push_back(ns);
      }
    }
  }
};

std::unique_ptr<local_token_server> start_server() {
  server_options o;
  o.token_lifetime = token_lifetime;  // token_size stays 900, HERE's size
  auto server = std::make_unique<local_token_server>(o);
  return server;
}

void push_delays(local_token_server& server) {
  for (int i = 0; i < refreshes; ++i) {
    scripted_reply r;
    r.what = fault::delay;
    r.delay = server_delay;
    server.push(r);
  }
}

provider_options options_for(const local_token_server& server) {
  provider_options o;
  o.ca_file = server.ca_file();
  o.use_environment_proxy = false;
  o.request_timeout = 5s;
  return o;
}

void report(benchmark::State& state, recorder& rec, std::size_t requests) {
  std::vector<double> all, unpreempted;
  int preempted = 0;
  rec.samples(all, unpreempted, preempted);
  if (rec.windows.size() != refreshes) {
    state.SkipWithError("not every refresh was observed");
    return;
  }
  double window_ms = 0;
  for (const window& w : rec.windows)
    window_ms += here::oauth::bench::ns_between(w.start, w.end) / 1e6;
  using here::oauth::bench::quantile;
  state.counters["samples"] = static_cast<double>(all.size());
  state.counters["p50_ns"] = quantile(all, 0.5);
  state.counters["p99_ns"] = quantile(all, 0.99);
  state.counters["max_ns"] = quantile(all, 1.0);
  state.counters["max_unpreempted_ns"] = quantile(unpreempted, 1.0);
  state.counters["preempted_calls"] = preempted;
  state.counters["refresh_ms"] = window_ms / refreshes;
  state.counters["requests"] = static_cast<double>(requests);
}

asio::awaitable<void> first_token(token_provider& provider) {
  access_token t = co_await provider.token();
  benchmark::DoNotOptimize(t.value.data());
}

asio::awaitable<void> ours_caller(token_provider& provider, recorder& rec, int index) {
  auto& calls = rec.calls[static_cast<std::size_t>(index)];
  calls.reserve(1 << 20);
  while (!rec.stop) {
    const long switches = involuntary_switches();
    const auto start = clock::now();
    access_token t = co_await provider.token();
    const auto end = clock::now();
    benchmark::DoNotOptimize(t.value.data());
    calls.push_back({start, end, involuntary_switches() != switches});
    std::this_thread::sleep_for(pace);
  }
}

void refresh_ours(benchmark::State& state) {
  for (auto _ : state) {
    auto server = start_server();
    recorder rec;
    provider_options options = options_for(*server);
    options.on_event = [&rec](const provider_event& e) {
      if (e.type == provider_event::kind::request_started)
        rec.refresh_started();
      else if (e.type == provider_event::kind::request_succeeded)
        rec.refresh_ended();
    };
    asio::io_context io;  // the provider's: its timer, strand and transport
    auto work = asio::make_work_guard(io);
    std::thread service([&io] { io.run(); });
    {
      token_provider provider(io.get_executor(), server->credentials(), options);
      std::vector<std::thread> callers;
      {
        asio::io_context first;  // the initial fetch, before any delay is scripted
        asio::co_spawn(first, first_token(provider), here::oauth::bench::rethrow{});
        first.run();
      }
      push_delays(*server);
      for (int i = 0; i < caller_threads; ++i) {
        callers.emplace_back([&, i] {
          asio::io_context own;
          asio::co_spawn(own, ours_caller(provider, rec, i), here::oauth::bench::rethrow{});
          own.run();
        });
      }
      for (auto& t : callers)
        t.join();
      report(state, rec, provider.stats().requests);
    }
    work.reset();
    service.join();
  }
}

void refresh_baseline_mutex(benchmark::State& state) {
  for (auto _ : state) {
    auto server = start_server();
    recorder rec;
    const auto creds = server->credentials();
    const provider_options options = options_for(*server);
    std::atomic<std::size_t> requests{0};
    here::oauth::bench::baseline_mutex_provider baseline(
        [&] {
          ++requests;
          return here::oauth::bench::blocking_fetch_token(creds, options);
        },
        options.refresh_ahead,
        [&rec](bool started) {
          if (started)
            rec.refresh_started();
          else
            rec.refresh_ended();
        });
    baseline.get_token();  // the initial fetch
    push_delays(*server);
    std::vector<std::thread> callers;
    for (int i = 0; i < caller_threads; ++i) {
      callers.emplace_back([&, i] {
        auto& calls = rec.calls[static_cast<std::size_t>(i)];
        calls.reserve(1 << 20);
        while (!rec.stop) {
          const long switches = involuntary_switches();
          const auto start = clock::now();
          access_token t = baseline.get_token();
          const auto end = clock::now();
          benchmark::DoNotOptimize(t.value.data());
          calls.push_back({start, end, involuntary_switches() != switches});
          std::this_thread::sleep_for(pace);
        }
      });
    }
    for (auto& t : callers)
      t.join();
    report(state, rec, requests);
  }
}

double max_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

BENCHMARK(refresh_ours)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("max", max_of);
BENCHMARK(refresh_baseline_mutex)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->ComputeStatistics("max", max_of);

}  // namespace

BENCHMARK_MAIN();

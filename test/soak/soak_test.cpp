// SPDX-License-Identifier: Apache-2.0
// Fault soak: one token_provider shared by 1 000 coroutines on 4 threads, each calling
// `co_await provider.token()` in a loop for a bounded time, against the local token server issuing
// 2-second tokens with about 20 % of requests faulted (hangs, resets, 503, 429, broken bodies,
// delays, trickles). Asserts what must hold however the faults fall:
//
//  1. no caller ever gets an expired token (expires_at is checked against the system clock when
//     the call returns, and every token handed out is one the server issued);
//  2. never more than one request in flight (counted by the client around the real HTTPS fetch,
//     and by the server);
//  3. every call completes: calls started == calls finished, every coroutine ends, within a
//     deadline;
//  4. no caller waits (or gets an error) while a usable token exists: each call records whether it
//     completed synchronously from the cache (its coroutine was never resumed through the
//     executor, see counting_executor) or waited, and a waiting call that started after a token
//     was adopted and returned before that token's hard point is a violation;
//  5. memory stops growing after warm-up (glibc's in-use heap, sampled after warm-up and at the
//     end; not under sanitizers, whose allocators keep quarantines: LeakSanitizer covers leaks
//     there);
//  6. errors returned to callers carry an error code (the SDK's own, or the Asio/SSL code of a
//     dropped connection) and details; they are counted by kind;
//  7. the key is rotated once, midway: the server accepts only a new key from then on and the
//     credentials file the provider was loaded from is replaced (written aside, then renamed, as
//     a deployment would). The provider follows the file and keeps getting tokens with the new
//     key; callers see no error while a token is usable (4. still holds across the rotation).
//
// Duration: HERE_OAUTH_SOAK_SECONDS (default 30; 20 under sanitizers), always ≤ 60 s. Under
// sanitizers the coroutines pause a little longer between calls (the load scales down), but there
// are always 1 000 coroutines on 4 threads.
#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth/credentials.hpp>
#include <here/oauth/fetch_token.hpp>
#include <here/oauth/token_provider.hpp>

#include "local_token_server.hpp"
#include "provider/provider_access.hpp"
#include "temp_dir.hpp"
#include "transport/token_client.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HERE_OAUTH_SOAK_UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HERE_OAUTH_SOAK_UNDER_SANITIZER 1
#endif
#endif
#ifndef HERE_OAUTH_SOAK_UNDER_SANITIZER
#define HERE_OAUTH_SOAK_UNDER_SANITIZER 0
#endif

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr bool under_sanitizer = HERE_OAUTH_SOAK_UNDER_SANITIZER != 0;

// ---------------------------------------------------------------------------------------------
// Knowing whether a call waited: every function the coroutines' executor runs bumps a per-thread
// counter. A co_await that completes without suspending (the cache-hit path of token()) runs no
// function through the executor, so the thread and the counter are unchanged after it; a call
// that waited was resumed by the executor, which changed the counter (or the thread).

thread_local std::uint64_t executed_functions = 0;

template <class Inner>
class counting_executor {
 public:
  explicit counting_executor(Inner inner) : inner_(std::move(inner)) {}

  template <class F>
  void execute(F&& f) const {
    inner_.execute([fn = std::forward<F>(f)]() mutable {
      ++executed_functions;
      std::move(fn)();
    });
  }

  template <class Property>
  auto query(const Property& p) const -> decltype(asio::query(std::declval<const Inner&>(), p)) {
    return asio::query(inner_, p);
  }
  template <class Property>
  auto require(const Property& p) const
      -> counting_executor<std::decay_t<decltype(asio::require(std::declval<const Inner&>(), p))>> {
    return counting_executor<std::decay_t<decltype(asio::require(inner_, p))>>(
        asio::require(inner_, p));
  }
  template <class Property>
  auto prefer(const Property& p) const
      -> counting_executor<std::decay_t<decltype(asio::prefer(std::declval<const Inner&>(), p))>> {
    return counting_executor<std::decay_t<decltype(asio::prefer(inner_, p))>>(
        asio::prefer(inner_, p));
  }

  friend bool operator==(const counting_executor& a, const counting_executor& b) noexcept {
    return a.inner_ == b.inner_;
  }
  friend bool operator!=(const counting_executor& a, const counting_executor& b) noexcept {
    return !(a == b);
  }

 private:
  Inner inner_;
};

// ---------------------------------------------------------------------------------------------
// The token timeline, from the provider's events: when each token was adopted (system clock,
// stamped in the callback, after the provider published it) and when it stops being handed out
// (its hard point: expiry minus a tenth of the lifetime, for 2-second tokens).

struct usable_window {
  system_clock::time_point adopted;
  system_clock::time_point hard;
};

class timeline {
 public:
  // On the provider's strand.
  void adopted(const provider_event& e, std::chrono::seconds lifetime) {
    const auto now = system_clock::now();
    const std::size_t n = count_.load(std::memory_order_relaxed);
    if (n == windows_.size())
      return;  // full: later windows are not checked (never happens within 60 s)
    // expires_at is sent_at + expires_in; the provider's hard point is the same instant on the
    // steady clock minus min(expiry_margin, lifetime / 10). 50 ms more absorb the difference
    // between the two clocks' readings.
    windows_[n] = {now, e.expires_at - lifetime / 10 - 50ms};
    count_.store(n + 1, std::memory_order_release);
  }

  // Any thread: was a token certainly usable during the whole of [start, end]?
  bool surely_usable(system_clock::time_point start, system_clock::time_point end) const {
    const std::size_t n = count_.load(std::memory_order_acquire);
    for (std::size_t i = n > 3 ? n - 3 : 0; i < n; ++i) {
      if (windows_[i].adopted + 2ms < start && end < windows_[i].hard)
        return true;
    }
    return false;
  }

  std::size_t size() const { return count_.load(std::memory_order_acquire); }

 private:
  std::array<usable_window, 4096> windows_{};
  std::atomic<std::size_t> count_{0};
};

// ---------------------------------------------------------------------------------------------

struct soak_counters {
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> tokens{0};
  std::atomic<std::uint64_t> hits{0};    // completed synchronously from the cache
  std::atomic<std::uint64_t> waited{0};  // completed after waiting (token or error)
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> expired{0};
  std::atomic<std::uint64_t> waited_while_usable{0};
  std::atomic<std::uint64_t> errors_while_usable{0};
  std::atomic<std::uint64_t> foreign_errors{0};  // not the SDK's category, or without details
  std::atomic<int> running_coroutines{0};
  std::atomic<std::int64_t> min_remaining_ms{std::numeric_limits<std::int64_t>::max()};

  std::mutex mutex;  // for the rare things below
  std::map<std::string, std::uint64_t> error_kinds;
  std::set<std::string> tokens_seen;
  std::vector<std::string> samples;  // a few violation descriptions
};

std::chrono::seconds soak_duration() {
  std::chrono::seconds d = under_sanitizer ? 20s : 30s;
  if (const char* s = std::getenv("HERE_OAUTH_SOAK_SECONDS"); s != nullptr && *s != '\0')
    d = std::chrono::seconds(std::strtol(s, nullptr, 10));
  return std::clamp<std::chrono::seconds>(d, 5s, 50s);  // + warm-up and drain: ≤ 60 s
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

TEST(FaultSoak, ThousandCoroutinesOnFourThreadsAgainstAFaultyEndpoint) {
  constexpr int threads = 4;
  constexpr int coroutines = 1000;
  constexpr std::chrono::seconds lifetime = 2s;
  const std::chrono::seconds duration = soak_duration();
  const std::chrono::seconds warm_up = 5s;
  // Pause between one coroutine's calls: 1–20 ms (3–40 ms under sanitizers).
  const int pause_min_ms = under_sanitizer ? 3 : 1;
  const int pause_max_ms = under_sanitizer ? 40 : 20;

  test_support::server_options so;
  so.token_lifetime = lifetime;
  so.threads = 1;
  test_support::local_token_server server(so);
  server.set_fault_rate(0.2, 20261129);
  // The provider's credentials come from a file, so that it can follow the rotation (7.).
  const test_support::temp_dir dir("here-oauth-soak");
  const std::filesystem::path credentials_file = dir.path() / "credentials.properties";
  server.write_credentials_file(credentials_file);

  asio::io_context io(threads);
  soak_counters c;
  timeline windows;
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> reloads{0};

  provider_options options;
  options.ca_file = server.ca_file();
  options.use_environment_proxy = false;
  options.request_timeout = 300ms;
  options.retry.base_delay = 20ms;
  options.retry.max_delay = 200ms;
  options.on_event = [&](const provider_event& e) {
    if (e.type == provider_event::kind::request_succeeded)
      windows.adopted(e, lifetime);
    if (e.type == provider_event::kind::credentials_reloaded)
      ++reloads;
  };

  // The real HTTPS fetch of each set of credentials, counted around: a request is in flight from
  // its start until its completion handler runs.
  const request_options request = options;
  detail::fetch_factory counted_https = [&, request](const credentials& creds) {
    boost::system::error_code ec;
    error_details details;
    auto client = detail::make_token_client(creds, request, ec, details);
    if (!client)
      throw token_error(ec, details);
    return detail::fetch_function([&, client](asio::any_io_executor ex, std::chrono::seconds offset,
                                              detail::fetch_handler handler) {
      const int now_in_flight = ++in_flight;
      int seen = max_in_flight.load();
      while (now_in_flight > seen && !max_in_flight.compare_exchange_weak(seen, now_in_flight)) {
      }
      ++requests;
      detail::async_fetch(
          client, std::move(ex), offset,
          detail::fetch_handler(
              [&, h = std::move(handler)](boost::system::error_code ec, fetch_result r) mutable {
                --in_flight;
                std::move(h)(ec, std::move(r));
              }));
    });
  };
  auto provider = detail::provider_access::wrap(detail::provider_access::make_following(
      io.get_executor(), load_credentials(credentials_file), counted_https, options));

  std::atomic<bool> stop{false};
  std::mutex done_mutex;
  std::condition_variable done_cv;

  auto caller = [&](unsigned seed) -> asio::awaitable<void> {
    std::minstd_rand random(seed);
    std::uniform_int_distribution<int> pause(pause_min_ms, pause_max_ms);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stop.load(std::memory_order_relaxed)) {
      ++c.started;
      const auto start = system_clock::now();
      const auto thread = std::this_thread::get_id();
      const std::uint64_t executed = executed_functions;
      bool waited = true;
      try {
        access_token t = co_await provider->token();
        const auto end = system_clock::now();
        waited = std::this_thread::get_id() != thread || executed_functions != executed;
        ++c.tokens;
        ++(waited ? c.waited : c.hits);
        const auto remaining = std::chrono::duration_cast<milliseconds>(t.expires_at - end);
        std::int64_t min = c.min_remaining_ms.load();
        while (remaining.count() < min &&
               !c.min_remaining_ms.compare_exchange_weak(min, remaining.count())) {
        }
        if (t.expires_at <= end)
          ++c.expired;
        if (waited && windows.surely_usable(start, end)) {
          ++c.waited_while_usable;
          std::lock_guard lock(c.mutex);
          if (c.samples.size() < 5)
            c.samples.push_back("a call waited although the cached token was usable");
        }
        thread_local std::string last_token;
        if (t.value != last_token) {
          std::lock_guard lock(c.mutex);
          c.tokens_seen.insert(t.value);
          last_token = t.value;
        }
      } catch (const token_error& e) {
        const auto end = system_clock::now();
        ++c.errors;
        ++c.waited;
        // The SDK's own codes, or for a dropped connection the Asio/SSL code it kept; either way
        // with details saying what happened (status, message or phase).
        const bool ours = e.code() && !e.details().empty();
        if (!ours)
          ++c.foreign_errors;
        if (windows.surely_usable(start, end))
          ++c.errors_while_usable;
        std::lock_guard lock(c.mutex);
        ++c.error_kinds[std::string(e.code().category().name()) + ": " + e.code().message()];
        if (!ours && c.samples.size() < 5)
          c.samples.push_back(std::string("error without the SDK's code or details: ") + e.what());
      } catch (const std::exception& e) {
        ++c.errors;
        ++c.foreign_errors;
        std::lock_guard lock(c.mutex);
        if (c.samples.size() < 5)
          c.samples.push_back(std::string("unexpected exception: ") + e.what());
      }
      ++c.finished;
      timer.expires_after(milliseconds(pause(random)));
      co_await timer.async_wait(asio::use_awaitable);
    }
    if (--c.running_coroutines == 0) {
      std::lock_guard lock(done_mutex);
      done_cv.notify_all();
    }
  };

  const counting_executor<asio::io_context::executor_type> ex(io.get_executor());
  c.running_coroutines = coroutines;
  for (int i = 0; i < coroutines; ++i)
    asio::co_spawn(ex, caller(static_cast<unsigned>(i + 1)), asio::detached);

  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&io] { io.run(); });

  const auto t0 = steady_clock::now();
  std::this_thread::sleep_until(t0 + warm_up);  // the test's own clock, not a race
  const std::size_t heap_after_warm_up = heap_in_use();
  const std::uint64_t calls_after_warm_up = c.finished.load();
  std::this_thread::sleep_until(t0 + warm_up + (duration - warm_up) / 2);
  const std::size_t heap_midway = heap_in_use();
  // 7. The key is rotated: the old one is refused from now on, and the file the provider was
  // loaded from is replaced (written aside, then renamed over it).
  server.set_credentials("soak-rotated-key-id", "soak rotated secret with = and +");
  server.write_credentials_file(dir.path() / "credentials.properties.new");
  std::filesystem::rename(dir.path() / "credentials.properties.new", credentials_file);
  const std::uint64_t tokens_at_rotation = c.tokens.load();
  const std::size_t issued_at_rotation = server.issued_tokens().size();
  std::this_thread::sleep_until(t0 + duration);
  const std::size_t heap_at_end = heap_in_use();
  const std::uint64_t calls_at_end = c.finished.load();

  // Stop: every coroutine finishes its current call and pause, then ends. A hang shows here.
  stop = true;
  bool all_ended;
  {
    std::unique_lock lock(done_mutex);
    all_ended = done_cv.wait_for(lock, 10s, [&] { return c.running_coroutines.load() == 0; });
  }
  const auto elapsed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - t0);

  const provider_stats stats = provider->stats();
  provider->cancel();
  provider.reset();
  io.stop();
  for (auto& t : pool)
    t.join();

  // Every token handed out was issued by the server.
  const std::vector<std::string> issued = server.issued_tokens();
  const std::set<std::string> issued_set(issued.begin(), issued.end());
  std::size_t unknown_tokens = 0;
  for (const auto& t : c.tokens_seen)
    unknown_tokens += issued_set.count(t) == 0;

  const std::string heap = under_sanitizer ? std::string("heap not measured under a sanitizer")
                                           : "heap " + std::to_string(heap_after_warm_up) + " -> " +
                                                 std::to_string(heap_midway) + " -> " +
                                                 std::to_string(heap_at_end) + " bytes";
  std::printf(
      "soak: %lld s, %d coroutines on %d threads: %llu calls (%llu after warm-up), %llu tokens "
      "(%llu from cache, %llu waited), %llu errors; %llu requests (server: %zu, %zu tokens issued, "
      "%zu windows), max in flight %d (server %zu); min remaining lifetime %lld ms; %s\n",
      static_cast<long long>(elapsed.count() / 1000), coroutines, threads,
      static_cast<unsigned long long>(c.finished.load()),
      static_cast<unsigned long long>(calls_at_end - calls_after_warm_up),
      static_cast<unsigned long long>(c.tokens.load()),
      static_cast<unsigned long long>(c.hits.load()),
      static_cast<unsigned long long>(c.waited.load() - c.errors.load()),
      static_cast<unsigned long long>(c.errors.load()),
      static_cast<unsigned long long>(requests.load()), server.request_count(), issued.size(),
      windows.size(), max_in_flight.load(), server.max_concurrent_requests(),
      static_cast<long long>(c.min_remaining_ms.load()), heap.c_str());
  for (const auto& [kind, n] : c.error_kinds)
    std::printf("soak: error '%s': %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
  std::printf(
      "soak: provider stats: %llu requests, %llu failures, %llu retries, %llu hits, %llu "
      "waits; credentials reloaded %llu times\n",
      static_cast<unsigned long long>(stats.requests),
      static_cast<unsigned long long>(stats.failures),
      static_cast<unsigned long long>(stats.retries),
      static_cast<unsigned long long>(stats.cache_hits),
      static_cast<unsigned long long>(stats.waits),
      static_cast<unsigned long long>(reloads.load()));
  for (const auto& s : c.samples)
    std::printf("soak: violation: %s\n", s.c_str());

  // 3. every call completed, nothing hung
  EXPECT_TRUE(all_ended) << c.running_coroutines.load() << " coroutines still running";
  EXPECT_EQ(c.started.load(), c.finished.load());
  // 1. never an expired token; only tokens the server issued
  EXPECT_EQ(c.expired.load(), 0u);
  EXPECT_GT(c.min_remaining_ms.load(), 0);
  EXPECT_EQ(unknown_tokens, 0u);
  // 2. one request at a time
  EXPECT_EQ(max_in_flight.load(), 1);
  EXPECT_EQ(server.max_concurrent_requests(), 1u);
  // 4. nobody waits, and nobody gets an error, while a usable token is cached
  EXPECT_EQ(c.waited_while_usable.load(), 0u);
  EXPECT_EQ(c.errors_while_usable.load(), 0u);
  // 6. errors have a code and details
  EXPECT_EQ(c.foreign_errors.load(), 0u);
  // The soak did soak: many calls, many refreshes, faults seen, most calls served from the cache.
  EXPECT_GT(c.finished.load(), 10u * coroutines);
  EXPECT_GE(issued.size(), static_cast<std::size_t>(duration / lifetime));
  EXPECT_GT(stats.failures, 0u);
  EXPECT_GT(c.hits.load(), c.waited.load());
  EXPECT_EQ(stats.requests, requests.load());
  // 7. the rotation was followed: the file was re-read (once, as it changed once), and the server
  // (which refuses the old key since) went on issuing tokens that callers got.
  EXPECT_EQ(reloads.load(), 1u);
  EXPECT_GE(issued.size(), issued_at_rotation + static_cast<std::size_t>(duration / lifetime / 4));
  EXPECT_GT(c.tokens.load(), tokens_at_rotation + coroutines);
  // 5. memory stops growing after warm-up. The server keeps a record of every request and token
  // (a few KiB per second); a leak of even a few bytes per call would pass 1 MiB.
  if (!under_sanitizer) {
    constexpr std::size_t tolerance = 1024 * 1024;
    EXPECT_LT(heap_at_end, heap_after_warm_up + tolerance)
        << "heap grew from " << heap_after_warm_up << " to " << heap_at_end << " bytes";
    EXPECT_LT(heap_at_end, heap_midway + tolerance / 2)
        << "heap grew from " << heap_midway << " to " << heap_at_end << " bytes";
  }
}

}  // namespace
}  // namespace here::oauth

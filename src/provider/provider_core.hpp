// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider/clock_offset.hpp"
#include "provider/credentials_follower.hpp"
#include "provider/provider_clock.hpp"
#include "provider/read_path.hpp"
#include "provider/refresh_fsm.hpp"
#include "provider/waiter_list.hpp"

namespace here::oauth::detail {

/// What a provider takes from its surroundings besides the executor, the transport and the options:
/// its clock and timers, the random source of its jitter and of its refresh point's spread (drawn
/// once, at construction), and the clock offset it learns. Defaults: steady_clock, steady_timer, a
/// seeded mt19937_64 and an offset of its own; tests inject a manual clock and a fixed value, a
/// token_cache one offset shared by its providers.
struct provider_environment {
  std::shared_ptr<time_source> clock;  ///< null: steady_clock and steady_timer
  std::function<double()> random01;    ///< uniform in [0, 1); null: a seeded generator
  clock_offset offset{};               ///< a copy shares the value
};

/// The provider shell: carries out what refresh_fsm decides (requests, the timer, completions,
/// events, stats) on one strand, so no lock is ever held across I/O. The read path (read_path) and
/// the waiters (waiter_list) are units of their own.
class provider_core : public std::enable_shared_from_this<provider_core> {
 public:
  provider_core(boost::asio::any_io_executor ex, fetch_function fetch, provider_options options,
                provider_environment env = {});

  // Any thread.
  /// The cached snapshot if its token can be handed out now, else null; counts the hit and nudges
  /// a refresh past the soft point. The pointer stays valid until this thread's next hit(),
  /// try_hit() or peek() on this provider: copy what you need at once.
  const token_snapshot* hit() {
    bool nudge = false;
    const token_snapshot* snapshot = reader_.hit(nudge);
    if (nudge)
      post_nudge();
    return snapshot;
  }
  /// hit(), copied.
  std::optional<access_token> try_hit();
  /// Whether a snapshot is published at all (usable or not). Neither counts nor reads the clock.
  bool has_snapshot() const { return reader_.has_snapshot(); }
  std::optional<access_token> peek() const { return reader_.peek(); }
  /// Queues a caller (waiter_list::make says what details_out and track_work mean).
  void enqueue(token_handler handler, error_details* details_out, bool track_work = true);
  void invalidate(const access_token& rejected);
  void cancel();
  /// Before the core is shared: its credentials, followed for rotation, and their transport
  /// (replacing the fetch function given to the constructor).
  void follow(std::unique_ptr<credentials_follower> follower);
  /// Any thread: new credentials from the next request on. Throws token_error when the provider
  /// was not built from credentials or these cannot make a transport.
  void update_credentials(credentials creds);
  /// Emits one provider_event::kind::warning per text, on the strand, before any other event.
  void report_warnings(std::vector<std::string> warnings);
  provider_stats stats() const;
  const boost::asio::any_io_executor& executor() const noexcept { return ex_; }

 private:
  using waiter_ptr = waiter_list::waiter_ptr;

  // Strand only.
  void post_nudge();
  void on_demand(const waiter_ptr& w);
  void on_invalidate(const std::string& token_value);
  void on_fetch_done(std::uint64_t id, boost::system::error_code ec, fetch_result result);
  void on_timer(std::uint64_t id);
  void on_wait_timer(std::uint64_t id);
  /// Emits what a poll of the credentials found; returns whether they were reloaded.
  bool report(const credentials_follower::change& change);
  /// Carries out one action of the state machine; caller: the waiter a demand came from.
  void carry_out(const refresh_action& a, const waiter_ptr* caller = nullptr);
  void launch_fetch(const request_plan& plan);
  void adopt(const token_deadlines& deadlines, fetch_result& result);
  void abandon();
  /// Keeps the timer at the state machine's next wake-up.
  void sync_timer();
  /// Keeps the wait timer at the oldest waiter's deadline (one timer however many wait).
  void sync_wait_timer();
  std::shared_ptr<const access_token> current_token() const;
  void emit(const provider_event& event);

  boost::asio::any_io_executor ex_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  fetch_function fetch_;
  provider_options options_;
  provider_clock clock_;
  milliseconds max_wait_;

  // Strand only.
  refresh_fsm fsm_;
  std::unique_ptr<provider_timer> timer_;
  std::optional<steady_time> timer_at_;  // when the armed timer fires; none: not armed
  std::uint64_t timer_generation_ = 0;
  std::unique_ptr<provider_timer> wait_timer_;
  std::optional<steady_time> wait_timer_at_;
  std::uint64_t wait_timer_generation_ = 0;
  std::unique_ptr<credentials_follower> follower_;  // null: a scripted transport
  std::uint64_t fetch_generation_ = 0;
  std::shared_ptr<boost::asio::cancellation_signal> fetch_signal_;
  steady_time fetch_started_{};
  unsigned fetch_attempt_ = 0;
  std::shared_ptr<waiter_list> waiters_;
  std::shared_ptr<const token_snapshot> current_;

  // Any thread.
  read_path reader_;
  struct alignas(64) counter {
    std::atomic<std::uint64_t> value{0};
  };
  // Hits on the read path are counted per thread by reader_; these are the strand's.
  counter strand_hits_, requests_, failures_, retries_, waits_;
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

// A provider clock whose time moves only when the test says, after boostorg/mysql's mock_clock and
// mock_timer: timers armed on it complete when advance() passes their deadline, posted to their
// executor (never inside advance() or wait_until()), so hours of a provider's timeline run in no
// time and deterministically. Single-threaded use: one io_context run by the test thread.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "provider/provider_clock.hpp"
#include "provider_test_util.hpp"

namespace here::oauth::test {

class manual_clock : public detail::time_source, public std::enable_shared_from_this<manual_clock> {
 public:
  /// Where time starts: far from steady_clock's zero, so a zero time point stays "unknown".
  static constexpr detail::steady_time start = detail::steady_time{} + std::chrono::hours(1000);
  /// The wall clock at start.
  static constexpr detail::wall_time wall_start =
      detail::wall_time{} + std::chrono::hours(24 * 365 * 56);

  detail::steady_time now() const override { return now_; }
  detail::wall_time wall_now() const override { return wall_start + (now_ - start); }
  std::unique_ptr<detail::provider_timer> make_timer(
      const boost::asio::any_io_executor& ex) override;

  /// Moves time forward by d. Each timer due on the way fires at its own deadline (time stands
  /// there while io runs what it posted, so timers armed meanwhile fire in order too).
  void advance(std::chrono::steady_clock::duration d, boost::asio::io_context& io) {
    const detail::steady_time target = now_ + d;
    settle(io);
    for (;;) {
      auto due = std::min_element(waits_.begin(), waits_.end(),
                                  [](const wait& a, const wait& b) { return a.at < b.at; });
      if (due == waits_.end() || due->at > target)
        break;
      now_ = std::max(now_, due->at);
      wait fired = std::move(*due);
      waits_.erase(due);
      boost::asio::post(fired.ex, [h = std::move(fired.h)] { h({}); });
      settle(io);
    }
    now_ = target;
    settle(io);
  }

  /// Timers armed and not yet fired or cancelled.
  std::size_t pending() const { return waits_.size(); }
  /// The earliest armed deadline, if any.
  std::optional<detail::steady_time> next_deadline() const {
    std::optional<detail::steady_time> next;
    for (const auto& w : waits_)
      if (!next || w.at < *next)
        next = w.at;
    return next;
  }

 private:
  friend class manual_timer;
  struct wait {
    detail::steady_time at;
    const void* timer;
    detail::provider_timer::handler h;
    boost::asio::any_io_executor ex;
  };

  /// Removes the pending wait of `timer`, completing it with operation_aborted (posted).
  void abort(const void* timer) {
    auto it = std::find_if(waits_.begin(), waits_.end(),
                           [timer](const wait& w) { return w.timer == timer; });
    if (it == waits_.end())
      return;
    wait aborted = std::move(*it);
    waits_.erase(it);
    boost::asio::post(aborted.ex,
                      [h = std::move(aborted.h)] { h(boost::asio::error::operation_aborted); });
  }

  detail::steady_time now_ = start;
  std::vector<wait> waits_;
};

class manual_timer final : public detail::provider_timer {
 public:
  manual_timer(std::weak_ptr<manual_clock> clock, boost::asio::any_io_executor ex)
      : clock_(std::move(clock)), ex_(std::move(ex)) {}
  ~manual_timer() override { cancel(); }

  void wait_until(detail::steady_time at, handler h) override {
    auto clock = clock_.lock();
    if (!clock)
      return;
    clock->abort(this);
    if (at <= clock->now()) {  // already due: completes at once, as a steady_timer would
      boost::asio::post(ex_, [h = std::move(h)] { h({}); });
      return;
    }
    clock->waits_.push_back(manual_clock::wait{at, this, std::move(h), ex_});
  }
  void cancel() override {
    if (auto clock = clock_.lock())
      clock->abort(this);
  }

 private:
  std::weak_ptr<manual_clock> clock_;
  boost::asio::any_io_executor ex_;
};

inline std::unique_ptr<detail::provider_timer> manual_clock::make_timer(
    const boost::asio::any_io_executor& ex) {
  return std::make_unique<manual_timer>(weak_from_this(), ex);
}

}  // namespace here::oauth::test

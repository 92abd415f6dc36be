// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include "provider/coarse_clock.hpp"
#include "provider/timeline.hpp"

namespace here::oauth::detail {

/// A one-shot timer of the provider. Like steady_timer: arming it again or cancelling it
/// completes the pending wait with operation_aborted; completions are posted to the executor the
/// timer was made with, never run inside these calls.
class provider_timer {
 public:
  using handler = std::function<void(boost::system::error_code)>;
  virtual ~provider_timer() = default;
  /// Calls h once: without error at `at` or later, or with operation_aborted.
  virtual void wait_until(steady_time at, handler h) = 0;
  virtual void cancel() = 0;
};

/// Where a provider gets its time and timers. Production: steady_clock, system_clock and
/// steady_timer (steady_time_source()). Tests: a clock whose time moves only when the test
/// advances it, whose timers then post their completions (test/unit/manual_clock.hpp).
class time_source {
 public:
  virtual ~time_source() = default;
  virtual steady_time now() const = 0;
  /// The wall clock, for the clock offset learnt from the server's Date.
  virtual wall_time wall_now() const = 0;
  virtual std::unique_ptr<provider_timer> make_timer(const boost::asio::any_io_executor& ex) = 0;
};

/// The production source: steady_clock, system_clock and steady_timer.
std::shared_ptr<time_source> steady_time_source();

/// A provider's clock: the steady one (source null), with the coarse clock shortcut for the hit
/// path, or an injected source. Copyable; cheap to ask on the hit path.
class provider_clock {
 public:
  provider_clock() = default;  // steady_clock
  explicit provider_clock(std::shared_ptr<time_source> source) : source_(std::move(source)) {}

  steady_time now() const { return source_ ? source_->now() : std::chrono::steady_clock::now(); }
  wall_time wall_now() const {
    return source_ ? source_->wall_now() : std::chrono::system_clock::now();
  }
  /// Whether deadline is surely ahead without reading the precise clock (coarse_clock.hpp). Only
  /// steady_clock has the shortcut; with an injected source it is always false.
  bool surely_before(steady_time deadline) const noexcept {
    return !source_ && detail::surely_before(deadline);
  }
  std::unique_ptr<provider_timer> make_timer(const boost::asio::any_io_executor& ex) const;

 private:
  std::shared_ptr<time_source> source_;
};

}  // namespace here::oauth::detail

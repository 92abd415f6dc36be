// SPDX-License-Identifier: Apache-2.0
#include "provider/provider_clock.hpp"

#include <boost/asio/steady_timer.hpp>

namespace here::oauth::detail {
namespace {

class steady_provider_timer final : public provider_timer {
 public:
  explicit steady_provider_timer(const boost::asio::any_io_executor& ex) : timer_(ex) {}
  void wait_until(steady_time at, handler h) override {
    timer_.expires_at(at);
    timer_.async_wait(std::move(h));
  }
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

class steady_source final : public time_source {
 public:
  steady_time now() const override { return std::chrono::steady_clock::now(); }
  wall_time wall_now() const override { return std::chrono::system_clock::now(); }
  std::unique_ptr<provider_timer> make_timer(const boost::asio::any_io_executor& ex) override {
    return std::make_unique<steady_provider_timer>(ex);
  }
};

}  // namespace

std::shared_ptr<time_source> steady_time_source() {
  static const auto source = std::make_shared<steady_source>();
  return source;
}

std::unique_ptr<provider_timer> provider_clock::make_timer(
    const boost::asio::any_io_executor& ex) const {
  return source_ ? source_->make_timer(ex) : steady_time_source()->make_timer(ex);
}

}  // namespace here::oauth::detail

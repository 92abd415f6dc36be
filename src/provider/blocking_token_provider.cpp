// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/blocking_token_provider.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

namespace here::oauth {
namespace asio = boost::asio;

struct blocking_token_provider::impl {
  asio::io_context io{1};
  // Constructed before the thread starts: invalid options throw with no thread to clean up.
  token_provider provider;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  // Written by the I/O thread itself before it runs any handler, so a handler that calls token()
  // (from on_event, say) always finds it; read by every caller of token().
  std::atomic<std::thread::id> io_thread_id{};
  std::thread thread;

  impl(credentials creds, provider_options options)
      : provider(io.get_executor(), std::move(creds), std::move(options)) {
    thread = std::thread([this] { run(); });
  }

  void run() {
    io_thread_id.store(std::this_thread::get_id(), std::memory_order_release);
    for (;;) {
      try {
        io.run();
        return;
      } catch (...) {
        // A handler threw (the provider catches what on_event throws; this is a last resort):
        // the thread must go on serving the provider, or every later token() would wait forever.
      }
    }
  }
};

namespace {

// One call's rendezvous between the I/O thread (which completes it) and the caller (which waits).
// Shared: the completion may still hold it after the caller has returned.
struct blocking_call {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  boost::system::error_code ec;
  access_token token;
  error_details details;  // written by the provider on the I/O thread before the handler runs
};

}  // namespace

blocking_token_provider::blocking_token_provider(credentials creds, provider_options options)
    : impl_(std::make_unique<impl>(std::move(creds), std::move(options))) {}

blocking_token_provider::~blocking_token_provider() {
  // cancel() completes every waiter with operation_aborted (on the I/O thread) and abandons the
  // request in flight; once the work guard is gone, run() returns when nothing is left to do.
  impl_->provider.cancel();
  impl_->work.reset();
  impl_->thread.join();
}

access_token blocking_token_provider::token() {
  if (std::this_thread::get_id() == impl_->io_thread_id.load(std::memory_order_acquire)) {
    throw token_error(make_error_code(error::invalid_option),
                      "blocking_token_provider::token() called on the provider's own I/O thread "
                      "(from on_event or a handler on it): the wait would block the only thread "
                      "that can complete it; use cached() there");
  }
  auto call = std::make_shared<blocking_call>();
  impl_->provider.async_token(call->details, [call](boost::system::error_code ec, access_token t) {
    std::lock_guard lock(call->mutex);
    call->ec = ec;
    call->token = std::move(t);
    call->done = true;
    call->done_cv.notify_all();
  });
  std::unique_lock lock(call->mutex);
  call->done_cv.wait(lock, [&] { return call->done; });
  if (call->ec)
    throw token_error(call->ec, std::move(call->details), "HERE token request failed");
  return std::move(call->token);
}

std::optional<access_token> blocking_token_provider::cached() const {
  return impl_->provider.cached();
}

void blocking_token_provider::invalidate(const access_token& rejected) {
  impl_->provider.invalidate(rejected);
}

provider_stats blocking_token_provider::stats() const {
  return impl_->provider.stats();
}

}  // namespace here::oauth

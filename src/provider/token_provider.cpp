// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/token_provider.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "provider/completing_details.hpp"
#include "provider/post_to.hpp"
#include "provider/provider_access.hpp"
#include "provider/provider_core.hpp"
#include "transport/token_client.hpp"

namespace here::oauth {
namespace asio = boost::asio;

namespace {

void check_options(const provider_options& options) {
  auto invalid = [](const std::string& what) {
    throw token_error(make_error_code(error::invalid_option), "provider_options: " + what);
  };
  if (options.refresh_ahead.count() < 0 && options.refresh_ahead != auto_refresh_ahead)
    invalid("refresh_ahead must not be negative (except auto_refresh_ahead, the default)");
  if (options.max_wait.count() <= 0)
    invalid("max_wait must be positive");
  if (options.expiry_margin.count() < 0)
    invalid("expiry_margin must not be negative");
  if (options.retry.base_delay.count() <= 0)
    invalid("retry.base_delay must be positive");
  if (options.retry.max_delay < options.retry.base_delay) {
    invalid("retry.max_delay must not be less than retry.base_delay");
  }
  if (options.retry.permanent_error_backoff.count() < 0) {
    invalid("retry.permanent_error_backoff must not be negative");
  }
}

detail::fetch_function https_fetch(const credentials& creds, const request_options& options) {
  // Built from the credentials at hand each time they change (key rotation); the TLS context is
  // shared process-wide, so this parses no trust store.
  boost::system::error_code ec;
  error_details details;
  auto client = detail::make_token_client(creds, options, ec, details);
  if (!client)
    throw token_error(ec, std::move(details), "token_provider: invalid configuration");
  return [client = std::move(client)](asio::any_io_executor ex, std::chrono::seconds clock_offset,
                                      detail::fetch_handler handler) {
    detail::async_fetch(client, std::move(ex), clock_offset, std::move(handler));
  };
}

/// A coroutine's completion: the provider's (error_code, access_token) becomes the token, or the
/// token_error (with the server's details) that co_await throws.
template <class Handler>
class coroutine_completion {
 public:
  explicit coroutine_completion(Handler handler) : handler_(std::move(handler)) {}

  using cancellation_slot_type = asio::associated_cancellation_slot_t<Handler>;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return asio::get_associated_cancellation_slot(handler_);
  }
  using executor_type = asio::associated_executor_t<Handler>;
  executor_type get_executor() const noexcept { return asio::get_associated_executor(handler_); }

  void operator()(boost::system::error_code ec, access_token token) {
    if (!ec) {
      std::move(handler_)(nullptr, std::move(token));
      return;
    }
    const error_details* details = detail::completing_details();
    std::move(handler_)(std::make_exception_ptr(token_error(
                            ec, details ? *details : error_details{}, "HERE token request failed")),
                        access_token{});
  }

 private:
  Handler handler_;
};

/// Waits for the provider: one Asio operation, whose initiation (when awaited) queues the
/// coroutine. A waiting coroutine holds nothing of ours but the waiter itself.
asio::awaitable<access_token> wait_for_token(detail::provider_core* core) {
  return asio::async_initiate<const asio::use_awaitable_t<>&,
                              void(std::exception_ptr, access_token)>(
      [](auto handler, detail::provider_core* core) {
        // co_spawn holds work on the coroutine's executor while it lives: no need to track more.
        core->enqueue(
            detail::token_handler(coroutine_completion<decltype(handler)>(std::move(handler))),
            nullptr, /*track_work=*/false);
      },
      asio::use_awaitable, core);
}

/// The hit path: when awaited, copies the cached token into the result, or waits after all.
asio::awaitable<access_token> serve(detail::provider_core* core) {
  if (const detail::token_snapshot* hit = core->hit())
    co_return hit->token;
  co_return co_await wait_for_token(core);
}

}  // namespace

namespace detail {
void async_token_impl(const std::shared_ptr<provider_core>& core, token_handler handler,
                      error_details* details_out) {
  if (const token_snapshot* hit = core->hit()) {
    // Even a hit completes through the handler's executor: never inside the initiating call.
    // Posted there directly where possible (post_to): a hop through the provider's executor would
    // put every hit of every thread through one shared queue.
    auto handler_ex = asio::get_associated_executor(handler, core->executor());
    post_to(handler_ex, core->executor(),
            [handler = std::move(handler), token = hit->token]() mutable {
              std::move(handler)(boost::system::error_code{}, std::move(token));
            });
    return;
  }
  core->enqueue(std::move(handler), details_out);
}
}  // namespace detail

namespace detail {
std::shared_ptr<provider_core> provider_access::make_core(asio::any_io_executor ex,
                                                          fetch_function fetch,
                                                          provider_options options,
                                                          provider_environment env) {
  check_options(options);
  if (!fetch) {
    throw token_error(make_error_code(error::invalid_option), "token_provider: no fetch function");
  }
  return std::make_shared<provider_core>(std::move(ex), std::move(fetch), std::move(options),
                                         std::move(env));
}

void provider_access::validate(const credentials& creds, const provider_options& options) {
  check_options(options);
  https_fetch(creds, options);
}

std::shared_ptr<provider_core> provider_access::make_https_core(asio::any_io_executor ex,
                                                                credentials creds,
                                                                provider_options options,
                                                                provider_environment env) {
  const request_options request = options;
  return make_following(
      std::move(ex), std::move(creds),
      [request](const credentials& c) { return https_fetch(c, request); }, std::move(options),
      std::move(env));
}

std::shared_ptr<provider_core> provider_access::make_following(asio::any_io_executor ex,
                                                               credentials creds,
                                                               fetch_factory factory,
                                                               provider_options options,
                                                               provider_environment env) {
  check_options(options);
  std::vector<std::string> warnings = creds.warnings;  // e.g. a file others can read
  auto follower = std::make_unique<credentials_follower>(std::move(creds), std::move(factory));
  auto core = std::make_shared<provider_core>(std::move(ex), follower->fetch(), std::move(options),
                                              std::move(env));
  core->follow(std::move(follower));
  core->report_warnings(std::move(warnings));
  return core;
}

token_provider provider_access::make(asio::any_io_executor ex, fetch_function fetch,
                                     provider_options options, provider_environment env) {
  return token_provider(
      make_core(std::move(ex), std::move(fetch), std::move(options), std::move(env)));
}
}  // namespace detail

token_provider::token_provider(std::shared_ptr<detail::provider_core> core)
    : core_(std::move(core)) {}

token_provider::token_provider(asio::any_io_executor ex, credentials creds,
                               provider_options options)
    : token_provider(detail::provider_access::make_https_core(std::move(ex), std::move(creds),
                                                              std::move(options))) {}

token_provider::~token_provider() {
  if (core_)
    core_->cancel();
}

asio::awaitable<access_token> token_provider::token() {
  // Lazy, as awaitables are: nothing is checked or queued until co_await. Only the shape is chosen
  // here: with a token cached, a coroutine that copies it when awaited (or waits after all); with
  // none, straight to the wait, so each of a herd of waiters holds no coroutine frame of ours.
  // (A token that arrives in between is then served by the provider's strand instead.)
  if (core_->has_snapshot())
    return serve(core_.get());
  return wait_for_token(core_.get());
}

std::optional<access_token> token_provider::cached() const {
  return core_->peek();
}

void token_provider::invalidate(const access_token& rejected) {
  core_->invalidate(rejected);
}

void token_provider::cancel() {
  core_->cancel();
}

void token_provider::update_credentials(credentials creds) {
  core_->update_credentials(std::move(creds));
}

provider_stats token_provider::stats() const {
  return core_->stats();
}

asio::any_io_executor token_provider::get_executor() const {
  return core_->executor();
}

}  // namespace here::oauth

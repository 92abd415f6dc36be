#include <here/oauth/token_provider.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "provider_core.hpp"

namespace here::oauth {
namespace asio = boost::asio;

namespace {

void check_options(const provider_options& options) {
  auto invalid = [](const std::string& what) {
    throw token_error(make_error_code(error::invalid_option), "provider_options: " + what);
  };
  if (options.refresh_ahead.count() < 0)
    invalid("refresh_ahead must not be negative");
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

token_provider::fetch_function https_fetch(const credentials& creds,
                                           const request_options& options) {
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

}  // namespace

namespace detail {
void start_token(const std::shared_ptr<provider_core>& core, token_handler handler,
                 error_details* details_out) {
  if (auto hit = core->try_hit()) {
    // Even a hit completes through the handler's executor: never inside the initiating call.
    auto handler_ex = asio::get_associated_executor(handler, core->executor());
    asio::post(core->executor(),
               asio::bind_executor(
                   handler_ex, [handler = std::move(handler), token = std::move(*hit)]() mutable {
                     std::move(handler)(boost::system::error_code{}, std::move(token));
                   }));
    return;
  }
  core->enqueue(std::move(handler), details_out);
}
}  // namespace detail

token_provider::token_provider(asio::any_io_executor ex, credentials creds,
                               provider_options options)
    : token_provider(ex, https_fetch(creds, options), options) {
  core_->report_warnings(creds.warnings);  // e.g. a credentials file others can read
}

token_provider::token_provider(asio::any_io_executor ex, fetch_function fetch,
                               provider_options options) {
  check_options(options);
  if (!fetch) {
    throw token_error(make_error_code(error::invalid_option), "token_provider: no fetch function");
  }
  core_ =
      std::make_shared<detail::provider_core>(std::move(ex), std::move(fetch), std::move(options));
}

token_provider::~token_provider() {
  if (core_)
    core_->cancel();
}

asio::awaitable<access_token> token_provider::token() {
  if (auto hit = core_->try_hit())
    co_return std::move(*hit);
  error_details details;
  auto completion = asio::as_tuple(asio::use_awaitable);
  auto [ec, token] = co_await asio::async_initiate<decltype(completion), detail::token_signature>(
      [this, &details](auto handler) {
        core_->enqueue(detail::token_handler(std::move(handler)), &details);
      },
      completion);
  if (ec)
    throw token_error(ec, std::move(details), "HERE token request failed");
  co_return std::move(token);
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

provider_stats token_provider::stats() const {
  return core_->stats();
}

asio::any_io_executor token_provider::get_executor() const {
  return core_->executor();
}

}  // namespace here::oauth

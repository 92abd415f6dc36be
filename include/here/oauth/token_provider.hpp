// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>
#include <here/oauth/provider_options.hpp>

namespace here::oauth {

namespace detail {
class provider_core;  // src/provider/
struct provider_access;
using token_signature = void(boost::system::error_code, access_token);
using token_handler = boost::asio::any_completion_handler<token_signature>;
/// async_token's compiled part: serves from the cache or queues the handler. details_out (may be
/// null) receives the error's details on the handler's executor just before the handler runs.
HERE_OAUTH_API void async_token_impl(const std::shared_ptr<provider_core>& core,
                                     token_handler handler, error_details* details_out);
}  // namespace detail

/// One cached, proactively refreshed bearer token for one (credentials, scope), shared by every
/// coroutine and thread of a service.
///
/// - Cache hits cost no I/O and take no lock shared with other threads.
/// - While a request is in flight, every caller awaits that one request.
/// - A timer refreshes the token ahead of expiry, so callers do not wait after the first token.
/// - Failures are retried with jittered backoff; while a usable token exists they are invisible.
///
/// Every member may be called from any thread. Completions run on each handler's associated
/// executor (for token(), the awaiting coroutine's), never inside the initiating call.
class HERE_OAUTH_API token_provider {
 public:
  /// Throws token_error when the options or the endpoint URL are invalid.
  token_provider(boost::asio::any_io_executor ex, credentials creds, provider_options options = {});

  /// Completes pending waiters with operation_aborted and stops the refresh timer.
  ~token_provider();

  token_provider(const token_provider&) = delete;
  token_provider& operator=(const token_provider&) = delete;

  /// A usable token: from the cache, or after the shared request. Throws token_error, whose
  /// details() hold what the server said.
  boost::asio::awaitable<access_token> token();

  /// Completion signature void(error_code, access_token). Works with any completion token:
  /// use_awaitable, deferred, use_future, as_tuple(...), callbacks. A waiter cancelled through
  /// its cancellation slot completes with operation_aborted and affects nobody else.
  template <class CompletionToken>
  auto async_token(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, detail::token_signature>(
        [](auto handler, const std::shared_ptr<detail::provider_core>& core) {
          detail::async_token_impl(core, detail::token_handler(std::move(handler)), nullptr);
        },
        token, core_);
  }

  /// As above; when it completes with an error, details first receives what the server said
  /// (HTTP status, HERE errorCode, errorId, message), on the handler's executor. details must
  /// live until the completion.
  template <class CompletionToken>
  auto async_token(error_details& details, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, detail::token_signature>(
        [](auto handler, const std::shared_ptr<detail::provider_core>& core, error_details* out) {
          detail::async_token_impl(core, detail::token_handler(std::move(handler)), out);
        },
        token, core_, &details);
  }

  /// The cached token if it is usable now (not past its hard point). No I/O, never waits.
  std::optional<access_token> cached() const;

  /// A HERE API answered 401 to this token: if it is the cached one, drop it and fetch a new one
  /// (once, however many callers report it). Reports of an older token are ignored.
  void invalidate(const access_token& rejected);

  /// Completes every waiter with operation_aborted, abandons the request in flight and stops the
  /// timer. The cached token stays; a later call starts afresh.
  void cancel();

  /// New credentials (from a secret manager, say), used from the next request on; the cached
  /// token stays in use until its hard point or invalidate(). Their file, if they were loaded from
  /// one, is followed from then on. Emits provider_event::kind::credentials_reloaded. Throws
  /// token_error when they cannot be used (an empty key, an invalid endpoint URL). Any thread.
  ///
  /// Credentials loaded from a file need no call: the provider re-reads the file before a request
  /// when it changed, and once more after a credentials refusal (docs/credentials.md).
  void update_credentials(credentials creds);

  /// Counters since construction (requests, failures, retries, cache hits, waits). Never blocks.
  provider_stats stats() const;
  /// The executor given to the constructor, on which the provider does its own work.
  boost::asio::any_io_executor get_executor() const;

 private:
  friend struct detail::provider_access;  // src/provider/provider_access.hpp: tests, benchmarks
  explicit token_provider(std::shared_ptr<detail::provider_core> core);

  std::shared_ptr<detail::provider_core> core_;
};

}  // namespace here::oauth

#pragma once

#include <here/oauth/export.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/provider_options.hpp>
#include <here/oauth/token_provider.hpp>

namespace here::oauth {

namespace detail {
class token_cache_impl;  // src/provider/token_cache.cpp
/// async_token's compiled part: the scope's provider (made on first use) serves or queues.
HERE_OAUTH_API void async_cache_token_impl(const std::shared_ptr<token_cache_impl>& impl,
                                           std::string_view scope, token_handler handler);
}  // namespace detail

/// Tokens for many scopes of one set of credentials (a multi-tenant service, one project scope per
/// tenant): one token_provider per scope, made on first use, each with its own single flight,
/// cache, refresh timer and backoff. They share the credentials and their rotation (the file is
/// followed, update_credentials() reaches all), the TLS context, and the clock offset learnt from
/// the server.
///
/// Every member may be called from any thread. Completions run on each handler's associated
/// executor, never inside the initiating call.
class HERE_OAUTH_API token_cache {
 public:
  /// Throws token_error when the options or the endpoint URL are invalid. options.scope is
  /// ignored: each call names its scope.
  token_cache(boost::asio::any_io_executor ex, credentials creds, provider_options options = {});
  /// Cancels every provider (waiting callers complete with operation_aborted).
  ~token_cache();

  token_cache(const token_cache&) = delete;
  token_cache& operator=(const token_cache&) = delete;

  /// A usable token for scope (an empty scope: the credentials' here.token.scope, else unscoped).
  /// Throws token_error, whose details() hold what the server said.
  boost::asio::awaitable<access_token> token(std::string_view scope);

  /// Completion signature void(error_code, access_token); any completion token works.
  template <class CompletionToken>
  auto async_token(std::string_view scope, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, detail::token_signature>(
        [](auto handler, const std::shared_ptr<detail::token_cache_impl>& impl,
           const std::string& scope) {
          detail::async_cache_token_impl(impl, scope, detail::token_handler(std::move(handler)));
        },
        token, impl_, std::string(scope));
  }

  /// The cached token of scope if it is usable now. No I/O, never waits, makes no provider.
  std::optional<access_token> cached(std::string_view scope) const;

  /// A HERE API answered 401 to this token: the provider that handed it out drops it and fetches
  /// a new one (see token_provider::invalidate).
  void invalidate(const access_token& rejected);

  /// Cancels every provider's waiters, request and timer (token_provider::cancel).
  void cancel();

  /// New credentials for every scope, now and to come, from the next request on
  /// (token_provider::update_credentials). Throws token_error when they cannot be used.
  void update_credentials(credentials creds);

  /// How many scopes have a provider.
  std::size_t size() const;

 private:
  std::shared_ptr<detail::token_cache_impl> impl_;
};

}  // namespace here::oauth

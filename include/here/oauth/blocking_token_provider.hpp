// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <memory>
#include <optional>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/provider_options.hpp>

namespace here::oauth {

/// A token_provider for code that is not asynchronous: it owns one I/O thread that runs the
/// provider (requests, refresh timer, retries), and token() blocks the calling thread until a
/// token is there. Everything token_provider does (one request for all callers, refresh ahead of
/// expiry, backoff, the server's error details) holds here too.
///
/// - Every member may be called from any thread except the provider's own I/O thread, where
///   token() throws instead of waiting (the wait would need that very thread to complete it).
///   provider_options::on_event runs on that thread: use cached() there, never token().
/// - The destructor cancels the provider: calls still waiting end with token_error
///   (operation_aborted); then it joins the I/O thread. Do not start calls while it runs.
class HERE_OAUTH_API blocking_token_provider {
 public:
  /// Starts the I/O thread. Throws token_error when the options or the endpoint URL are invalid
  /// (before any thread is started).
  explicit blocking_token_provider(credentials creds, provider_options options = {});
  ~blocking_token_provider();

  blocking_token_provider(const blocking_token_provider&) = delete;
  blocking_token_provider& operator=(const blocking_token_provider&) = delete;

  /// A usable token: from the cache at once, or after the shared request. Throws token_error,
  /// whose details() hold what the server said; error::invalid_option when called on the
  /// provider's own I/O thread.
  access_token token();

  /// The cached token if it is usable now (not past its hard point). No I/O, never waits.
  std::optional<access_token> cached() const;

  /// A HERE API answered 401 to this token: if it is the cached one, drop it; the next token()
  /// fetches a new one (once, however many callers report it).
  void invalidate(const access_token& rejected);

  /// Counters since construction. Never blocks.
  provider_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include <here/oauth/provider_options.hpp>
#include <here/oauth/token_provider.hpp>

#include "provider/provider_core.hpp"

namespace here::oauth::detail {

/// The provider seen from inside: a token_provider over a scripted fetch (tests, benchmarks, the
/// soak) instead of HTTPS, optionally on an injected clock and random source
/// (provider_environment; test/unit/manual_clock.hpp runs hours of a timeline in no time). Not part
/// of the API.
struct provider_access {
  /// Throws token_error (error::invalid_option) for invalid options or an empty fetch.
  static token_provider make(boost::asio::any_io_executor ex, fetch_function fetch,
                             provider_options options = {}, provider_environment env = {});
  /// make(), on the heap (a token_provider cannot be moved).
  static std::unique_ptr<token_provider> make_unique(boost::asio::any_io_executor ex,
                                                     fetch_function fetch,
                                                     provider_options options = {},
                                                     provider_environment env = {}) {
    return std::unique_ptr<token_provider>(new token_provider(
        make_core(std::move(ex), std::move(fetch), std::move(options), std::move(env))));
  }
  static std::shared_ptr<provider_core> make_core(boost::asio::any_io_executor ex,
                                                  fetch_function fetch, provider_options options,
                                                  provider_environment env = {});
  /// A provider whose credentials are followed for rotation (their file, update_credentials()),
  /// each set of credentials getting its transport from `factory` (the soak counts requests
  /// around the real HTTPS one).
  static std::shared_ptr<provider_core> make_following(boost::asio::any_io_executor ex,
                                                       credentials creds, fetch_factory factory,
                                                       provider_options options,
                                                       provider_environment env = {});
  /// The HTTPS provider of token_provider's constructor: make_following() over https_fetch.
  static std::shared_ptr<provider_core> make_https_core(boost::asio::any_io_executor ex,
                                                        credentials creds, provider_options options,
                                                        provider_environment env = {});
  /// Throws token_error as token_provider's constructor would for these options and credentials.
  static void validate(const credentials& creds, const provider_options& options);
  /// A provider over a core.
  static std::unique_ptr<token_provider> wrap(std::shared_ptr<provider_core> core) {
    return std::unique_ptr<token_provider>(new token_provider(std::move(core)));
  }
  static provider_core& core(token_provider& provider) { return *provider.core_; }
};

}  // namespace here::oauth::detail

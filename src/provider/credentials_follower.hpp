// A provider's credentials over its life: the file they came from is followed (key rotation), and
// update_credentials() replaces them; either way the transport is rebuilt for the new ones.
#pragma once

#include <functional>
#include <string>

#include <here/oauth/credentials.hpp>
#include <here/oauth/fetch_token.hpp>

#include "credentials/credentials_file_watch.hpp"
#include "provider/provider_clock.hpp"

namespace here::oauth::detail {

/// Starts one token request: the transport seen from the provider. The HTTPS one is
/// token_provider.cpp's; tests and benchmarks script their own (provider_access).
using fetch_function = std::function<void(boost::asio::any_io_executor,
                                          std::chrono::seconds clock_offset, fetch_handler)>;

/// Builds the transport for credentials (the HTTPS one makes a token_client); throws token_error
/// when they cannot make one (an invalid endpoint URL, say). Called from any thread.
using fetch_factory = std::function<fetch_function(const credentials&)>;

/// The credentials a provider signs with, and where new ones come from:
/// - the file they were loaded from (credentials::file), checked with one stat() before each
///   request and re-read when it changed, or after a refusal whatever its stamp says
///   (credentials_file_watch);
/// - update_credentials(), whose credentials replace them (and whose file, if any, is followed
///   from then on).
/// New credentials get a new transport from the factory, used from the next request on.
/// Strand only, except prepare().
class credentials_follower {
 public:
  credentials_follower(credentials creds, fetch_factory factory,
                       credentials_file_watch::loader load = {});

  /// What a poll found.
  struct change {
    enum class kind {
      none,      ///< nothing new
      reloaded,  ///< new credentials and transport are in use; message says from where
      failed,    ///< the file changed but cannot be used: the previous ones stay; message says why
    };
    kind what = kind::none;
    std::string message;  ///< never contains a secret
  };

  /// Before a request (force false), or after a credentials refusal (force true: the file is
  /// re-read whatever its stamp says).
  change poll(bool force);

  /// Any thread: the transport for creds, built before they are handed to the strand (throws
  /// token_error for credentials that cannot make one).
  fetch_function prepare(const credentials& creds) const { return factory_(creds); }
  /// Uses creds and their transport (from prepare()) from now on, and follows their file.
  void replace(credentials creds, fetch_function fetch);

  const fetch_function& fetch() const noexcept { return fetch_; }
  const credentials& current() const noexcept { return current_; }

 private:
  fetch_factory factory_;
  credentials_file_watch::loader load_;
  credentials current_;
  credentials_file_watch watch_;
  fetch_function fetch_;
};

}  // namespace here::oauth::detail

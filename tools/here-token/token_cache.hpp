// SPDX-License-Identifier: Apache-2.0
#pragma once

// here-token's use of the token cache between runs (here::oauth::file_token_store): where it is,
// what a run's entry is keyed by, and its warnings on stderr. run.cpp decides when to read, lock
// and write it.

#include <cstddef>
#include <memory>

#include <here/oauth/credentials.hpp>
#include <here/oauth/file_token_store.hpp>

#include "arguments.hpp"
#include "diagnostics.hpp"

namespace here::oauth::cli {

/// The cache of one run, or none (--no-cache, or no HOME, XDG_CACHE_HOME or HERE_TOKEN_CACHE_DIR
/// to put it in: then --verbose says so).
class run_cache {
 public:
  run_cache(const options& args, const credentials& creds, diagnostics& err);

  explicit operator bool() const noexcept { return store_ != nullptr; }
  file_token_store& store() { return *store_; }
  /// Endpoint URL, access key id, the scope asked for (--scope, else the credentials'
  /// here.token.scope) and --expires-in.
  const token_store_key& key() const noexcept { return key_; }

  /// Prints the store's warnings not printed yet, each once.
  void report_warnings();
  /// Stops using the cache for the rest of the run (after its warnings are printed).
  void drop();

 private:
  diagnostics& err_;
  std::unique_ptr<file_token_store> store_;
  token_store_key key_;
  std::size_t warnings_reported_ = 0;
};

}  // namespace here::oauth::cli

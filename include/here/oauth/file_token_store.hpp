// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>

#include <here/oauth/access_token.hpp>

namespace here::oauth {

/// What a stored token was issued for: the same endpoint, key, scope and requested lifetime find
/// the same entry. The secret is not part of it and is never stored.
struct HERE_OAUTH_API token_store_key {
  std::string endpoint_url;
  std::string access_key_id;
  std::string scope;
  std::optional<std::chrono::seconds> requested_lifetime;
};

/// Tokens kept on disk between runs of short-lived programs (here-token, scripts, cron jobs), so
/// that a loop of them does not make a token request per run. One file per key in one directory.
///
/// Security: the directory is created with mode 0700 and entries with 0600, written to a
/// temporary file and renamed (a reader never sees half an entry). A directory or entry owned by
/// another user or writable by group or others, or an entry that is a symbolic link, is not
/// trusted: load() ignores it, save() refuses it, and a warning says why (once per store). A
/// corrupt, truncated or foreign-version entry is ignored and replaced by the next save().
/// Entries hold the token, its type, scope and expiry; never the secret.
///
/// Not for long-running services: a token_provider keeps its token in memory and refreshes it.
/// One store may be used by one thread at a time; different processes may share a directory.
class HERE_OAUTH_API file_token_store {
 public:
  /// HERE_TOKEN_CACHE_DIR, else $XDG_CACHE_HOME/here-oauth, else $HOME/.cache/here-oauth; empty
  /// when none of these variables is set.
  static std::filesystem::path default_directory();

  explicit file_token_store(std::filesystem::path directory);
  ~file_token_store();
  file_token_store(const file_token_store&) = delete;
  file_token_store& operator=(const file_token_store&) = delete;

  const std::filesystem::path& directory() const noexcept { return directory_; }

  /// The stored token for key if there is a trusted, well-formed entry whose token is still
  /// usable at now by the provider's rule: before its hard point, expires_at minus
  /// min(expiry_margin, a tenth of its lifetime). No TLS, no network.
  std::optional<access_token> load(
      const token_store_key& key, std::chrono::seconds expiry_margin = std::chrono::seconds(30),
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  /// Stores token (granted for lifetime) under key, replacing what was there. Creates the
  /// directory when missing. Returns what went wrong, if anything (the message is in warnings()).
  boost::system::error_code save(const token_store_key& key, const access_token& token,
                                 std::chrono::seconds lifetime);

  /// Removes key's entry, e.g. after a HERE API rejected its token.
  void erase(const token_store_key& key);

  /// Held while one program fetches the token for a key, so that concurrent programs on a cold
  /// store make one request: they wait for the lock, then load() what the holder saved.
  class entry_lock {
   public:
    entry_lock(entry_lock&& other) noexcept;
    entry_lock& operator=(entry_lock&& other) noexcept;
    entry_lock(const entry_lock&) = delete;
    entry_lock& operator=(const entry_lock&) = delete;
    ~entry_lock();

   private:
    friend class file_token_store;
    explicit entry_lock(int fd) noexcept : fd_(fd) {}
    int fd_ = -1;
  };

  /// Waits up to timeout for key's lock (an advisory lock on a file beside the entry, released
  /// when the entry_lock is destroyed or the process ends). On failure (timeout: error::timeout;
  /// an untrusted directory; I/O errors) returns nullopt and sets ec. Blocks the calling thread:
  /// for command-line programs, not for an io_context's threads.
  std::optional<entry_lock> lock(const token_store_key& key, std::chrono::milliseconds timeout,
                                 boost::system::error_code& ec);

  /// Problems met so far, one sentence each and each once: untrusted directory or entries,
  /// corrupt entries, failed writes. Never a token or a secret.
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }

 private:
  void warn(std::string message);
  bool directory_trusted(bool create);
  std::filesystem::path entry_path(const token_store_key& key) const;

  std::filesystem::path directory_;
  std::vector<std::string> warnings_;
  std::optional<bool> directory_ok_;
};

}  // namespace here::oauth

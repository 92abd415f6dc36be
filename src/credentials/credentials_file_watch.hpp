// SPDX-License-Identifier: Apache-2.0
// Following a credentials file for key rotation: one stat() tells whether it changed since it was
// read; only then is it read and parsed again.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <boost/system/error_code.hpp>

#include <here/oauth/credentials.hpp>

#include "credentials/credentials_file.hpp"

namespace here::oauth::detail {

/// Same values where it matters for a token request: key id, secret, endpoint URL and scope, and
/// the informational user and client ids. Not source, file, file_version or warnings.
bool same_credentials(const credentials& a, const credentials& b) noexcept;

/// Follows the file that credentials were loaded from (credentials::file), from the version they
/// were read from (credentials::file_version) on.
///
/// - check() makes one stat() and never reads: changed when size, modification or change time,
///   inode or device differ from the version last read, when the file appeared or disappeared,
///   or when the version last read was racy (modified within a timestamp tick of being read).
/// - reload() reads and parses the file again, whatever check() says, and from then on follows
///   the version it read, good or broken: a broken file is reported once, not before every
///   request, and reported again only when it changes again.
/// - poll() is the two together, as a provider uses them.
///
/// The watch never holds credentials: on a failed reload the caller keeps using its previous
/// ones. Messages come from credentials_error (file, line, key; never the secret).
///
/// Thread-safety: none of its own. check() and file() are const and may run concurrently with
/// each other; reload() and poll() must not run concurrently with any other call. A provider
/// keeps one watch per credentials and calls it only from its strand. reload() does blocking
/// file I/O on the calling thread: open(), fstat() and read() of one regular file of at most
/// 1 MiB (a few hundred bytes in practice); it never blocks on a FIFO or a device.
class credentials_file_watch {
 public:
  /// Reads and parses the file, setting seen also when it throws (load_credentials_file by
  /// default). Tests inject one that counts its calls.
  using loader = std::function<credentials(const std::filesystem::path&, file_observation&)>;

  enum class change { unchanged, changed };

  struct reload_result {
    std::optional<credentials> creds;  ///< the file's new credentials, when it read and parsed
    boost::system::error_code error;   ///< otherwise the credentials_error's code
    std::string message;               ///< and its what(): names file, line, key; never the secret
    bool ok() const noexcept { return creds.has_value(); }
  };

  enum class outcome {
    unchanged,  ///< nothing to do (also: no file to watch, or rewritten with the same values)
    reloaded,   ///< creds holds new values: use them from the next request on
    failed,     ///< the file changed but cannot be used: keep the previous credentials and
                ///< report message as a warning
  };
  struct poll_result {
    outcome what = outcome::unchanged;
    std::optional<credentials> creds;  ///< for reloaded
    boost::system::error_code error;   ///< for failed
    std::string message;               ///< for failed
  };

  /// Follows loaded.file. When it is empty (credentials from the environment or from code) there
  /// is nothing to follow: watching() is false, check() says unchanged and poll() does nothing.
  explicit credentials_file_watch(const credentials& loaded, loader load = {});

  bool watching() const noexcept { return !file_.empty(); }
  const std::filesystem::path& file() const noexcept { return file_; }

  /// One stat(), no read.
  change check() const;

  /// Reads and parses the file now.
  reload_result reload();

  /// What a provider does before a token request (force = false): check(), and reload() only when
  /// the file changed; and after a credentials refusal such as 401300 (force = true): reload()
  /// whatever check() says. Compares the result with current, the credentials in use, so a
  /// rewrite with the same values (or the re-read of a racy version) is unchanged, not reloaded.
  poll_result poll(const credentials& current, bool force = false);

 private:
  std::filesystem::path file_;
  file_observation last_;  ///< the version last read, good or broken
  loader load_;
};

}  // namespace here::oauth::detail

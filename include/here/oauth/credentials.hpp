// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <here/oauth/secret_string.hpp>

namespace here::oauth {

/// HERE's production token endpoint, used when the credentials name none.
inline constexpr std::string_view default_token_endpoint =
    "https://account.api.here.com/oauth2/token";

/// What one stat() of a credentials file said when it was read: enough to notice later that the
/// file was rewritten (size, modification and change times) or replaced (device, inode), without
/// reading it.
struct HERE_OAUTH_API file_stamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  ///< modification time, nanoseconds since the epoch
  std::int64_t ctime_ns = 0;  ///< status change time (any write, chmod, rename), likewise
  /// The file had been modified so shortly before it was read that a rewrite within the same
  /// timestamp tick could leave this stamp unchanged: it is not trusted to mean "unchanged".
  bool racy = false;

  friend bool operator==(const file_stamp&, const file_stamp&) = default;
};

/// HERE platform credentials, as in the credentials.properties file HERE lets you download.
/// Copyable; every copy of the secret is a secret_string.
struct HERE_OAUTH_API credentials {
  std::string access_key_id;        ///< here.access.key.id: the OAuth consumer key
  secret_string access_key_secret;  ///< here.access.key.secret: the signing secret
  std::string token_endpoint_url{default_token_endpoint};  ///< here.token.endpoint.url
  std::string user_id;                                     ///< here.user.id (informational)
  std::string client_id;                                   ///< here.client.id (informational)
  /// here.token.scope: the scope asked for when request_options::scope is empty (the option wins).
  std::string scope;
  std::string source;  ///< where these were loaded from, for messages
  /// The file these were loaded from, made absolute; empty for the environment and for credentials
  /// parsed or built in code. A token_provider re-reads it when it changes (key rotation).
  std::filesystem::path file;
  /// What the file looked like when it was read (meaningful only when file is not empty).
  file_stamp file_version;
  /// Problems that did not stop loading, one sentence each, e.g. a credentials file readable by
  /// group or others. A token_provider reports them through its event callback.
  std::vector<std::string> warnings;
};

/// A credentials problem: says which file, line and key. Never contains the secret.
class HERE_OAUTH_API credentials_error : public boost::system::system_error {
 public:
  credentials_error(boost::system::error_code ec, const std::string& message,
                    std::filesystem::path file = {}, unsigned line = 0, std::string key = {});

  const std::filesystem::path& file() const noexcept { return file_; }
  unsigned line() const noexcept { return line_; }  ///< 0 when no line applies
  const std::string& key() const noexcept { return key_; }

 private:
  std::filesystem::path file_;
  unsigned line_;
  std::string key_;
};

/// Reads HERE's credentials.properties (Java .properties syntax). Keys here.access.key.id and
/// here.access.key.secret are required; here.token.endpoint.url defaults to HERE's endpoint;
/// here.token.scope is optional; unknown keys are ignored. Only a regular file (or a symbolic link
/// to one) is read: a FIFO, socket, device or directory is refused without blocking. Sets file and
/// file_version. Throws credentials_error.
HERE_OAUTH_API credentials load_credentials(const std::filesystem::path& file);

/// As above without throwing: on failure sets ec, puts the message into diagnostic and returns
/// empty credentials.
HERE_OAUTH_API credentials load_credentials(const std::filesystem::path& file,
                                            boost::system::error_code& ec, std::string& diagnostic);
HERE_OAUTH_API credentials load_credentials(const std::filesystem::path& file,
                                            boost::system::error_code& ec);

/// Parses the text of a credentials.properties file; source_name is used in messages. A value of a
/// HERE key holding a control character (NUL, CR, LF, tab…) is credentials_malformed.
HERE_OAUTH_API credentials parse_credentials(std::string_view text, std::string_view source_name);

/// Credentials from HERE_ACCESS_KEY_ID, HERE_ACCESS_KEY_SECRET and optionally
/// HERE_TOKEN_ENDPOINT_URL, HERE_TOKEN_SCOPE, HERE_USER_ID, HERE_CLIENT_ID. Throws
/// credentials_error with error::credentials_not_found when neither key variable is set,
/// credentials_missing when only one is, credentials_malformed when a value holds a control
/// character.
HERE_OAUTH_API credentials credentials_from_environment();

/// The environment, then the file named by HERE_CREDENTIALS_FILE, then
/// ~/.here/credentials.properties. A source that exists but is broken is an error at once; when no
/// source exists the error lists everything that was tried.
HERE_OAUTH_API credentials default_credentials();

/// Checks that url is an absolute http(s) URL with a host; returns an empty string when it is,
/// otherwise what is wrong with it.
HERE_OAUTH_API std::string check_endpoint_url(std::string_view url);

}  // namespace here::oauth

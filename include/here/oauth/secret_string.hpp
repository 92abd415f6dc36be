// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace here::oauth {

/// A secret (the access key secret) that never shows itself by accident: it streams as
/// "<redacted>", converts to nothing implicitly, and its bytes are wiped (OPENSSL_cleanse) when it
/// is destroyed, cleared or assigned over. Moving hands over the buffer, so no copy stays behind.
class HERE_OAUTH_API secret_string {
 public:
  secret_string() noexcept = default;
  explicit secret_string(std::string_view value);
  /// Disambiguates string literals between the two overloads around it.
  explicit secret_string(const char* value) : secret_string(std::string_view(value)) {}
  /// Takes the value and wipes the caller's string buffer.
  explicit secret_string(std::string&& value);
  secret_string(const secret_string& other);
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(const secret_string& other);
  secret_string& operator=(secret_string&& other) noexcept;
  ~secret_string();

  /// The only way to read the secret: call it where the bytes are needed, and nowhere else.
  std::string_view reveal() const noexcept { return {data_ ? data_ : "", size_}; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }
  /// Wipes and releases the buffer.
  void clear() noexcept;

  friend bool operator==(const secret_string& a, const secret_string& b) noexcept;

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Writes "<redacted>" (or "<empty>"), never the secret.
HERE_OAUTH_API std::ostream& operator<<(std::ostream& os, const secret_string& secret);

}  // namespace here::oauth

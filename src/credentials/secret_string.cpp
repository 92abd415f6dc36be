// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/secret_string.hpp>

#include <cstring>
#include <ostream>

#include <openssl/crypto.h>

#include "common/wipe.hpp"

namespace here::oauth {
namespace {
char* copy_bytes(std::string_view value) {
  if (value.empty())
    return nullptr;
  char* data = new char[value.size()];
  std::memcpy(data, value.data(), value.size());
  return data;
}
}  // namespace

secret_string::secret_string(std::string_view value)
    : data_(copy_bytes(value)), size_(value.size()) {}

secret_string::secret_string(std::string&& value) : secret_string(std::string_view(value)) {
  detail::wipe(value);  // the caller's buffer held the secret too
}

secret_string::secret_string(const secret_string& other)
    : data_(copy_bytes(other.reveal())), size_(other.size_) {}

secret_string::secret_string(secret_string&& other) noexcept
    : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

secret_string& secret_string::operator=(const secret_string& other) {
  if (this != &other) {
    char* copy = copy_bytes(other.reveal());
    clear();
    data_ = copy;
    size_ = other.size_;
  }
  return *this;
}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
  if (this != &other) {
    clear();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

secret_string::~secret_string() {
  clear();
}

void secret_string::clear() noexcept {
  if (data_ != nullptr) {
    OPENSSL_cleanse(data_, size_);
    delete[] data_;
  }
  data_ = nullptr;
  size_ = 0;
}

bool operator==(const secret_string& a, const secret_string& b) noexcept {
  // Constant time in the contents, so comparing secrets leaks nothing through timing.
  return a.size_ == b.size_ && (a.size_ == 0 || CRYPTO_memcmp(a.data_, b.data_, a.size_) == 0);
}

std::ostream& operator<<(std::ostream& os, const secret_string& secret) {
  return os << (secret.empty() ? "<empty>" : "<redacted>");
}

namespace detail {
void wipe(std::string& s) noexcept {
  OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}
}  // namespace detail

}  // namespace here::oauth

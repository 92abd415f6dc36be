// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/file_token_store.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <utility>

#include <here/oauth/error.hpp>

#include "store/token_entry.hpp"

namespace here::oauth {
namespace fs = std::filesystem;
using boost::system::error_code;

namespace {

// An entry is a few hundred bytes (a HERE token is about 1 KiB); anything larger is not ours.
constexpr std::size_t max_entry_bytes = 64 * 1024;

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

error_code errno_code(int e) {
  return {e, boost::system::system_category()};
}

// Closes a descriptor when it goes out of scope.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Why a file or directory is not to be trusted: another owner, or writable by group or others.
// Empty when it is trusted.
std::string distrust(const struct stat& st, std::string_view what, const fs::path& path) {
  if (st.st_uid != ::geteuid()) {
    return std::string(what) + " '" + path.string() + "' belongs to another user (uid " +
           std::to_string(st.st_uid) + ")";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string(what) + " '" + path.string() + "' is writable by group or others (mode " +
           mode + ")";
  }
  return {};
}

}  // namespace

fs::path file_token_store::default_directory() {
  if (const char* dir = env("HERE_TOKEN_CACHE_DIR"))
    return dir;
  if (const char* xdg = env("XDG_CACHE_HOME"))
    return fs::path(xdg) / "here-oauth";
  if (const char* home = env("HOME"))
    return fs::path(home) / ".cache" / "here-oauth";
  return {};
}

file_token_store::file_token_store(fs::path directory) : directory_(std::move(directory)) {}

file_token_store::~file_token_store() = default;

void file_token_store::warn(std::string message) {
  for (const auto& w : warnings_) {
    if (w == message)
      return;
  }
  warnings_.push_back(std::move(message));
}

bool file_token_store::directory_trusted(bool create) {
  if (directory_ok_)
    return *directory_ok_;
  if (directory_.empty()) {
    warn("token cache: no directory (set HERE_TOKEN_CACHE_DIR, XDG_CACHE_HOME or HOME)");
    directory_ok_ = false;
    return false;
  }
  struct stat st {};
  if (::stat(directory_.c_str(), &st) != 0) {
    if (errno != ENOENT || !create)
      return false;  // not there yet: nothing to load, and nothing untrusted to say
    std::error_code ec;
    fs::create_directories(directory_.parent_path(), ec);
    if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) {
      warn("token cache: cannot create directory '" + directory_.string() +
           "': " + std::strerror(errno));
      return false;
    }
    if (::stat(directory_.c_str(), &st) != 0)
      return false;
  }
  std::string problem;
  if (!S_ISDIR(st.st_mode))
    problem = "'" + directory_.string() + "' is not a directory";
  else
    problem = distrust(st, "directory", directory_);
  if (!problem.empty()) {
    warn("token cache not used: " + problem);
    directory_ok_ = false;
    return false;
  }
  directory_ok_ = true;
  return true;
}

fs::path file_token_store::entry_path(const token_store_key& key) const {
  return directory_ / detail::token_entry_name(key);
}

std::optional<access_token> file_token_store::load(const token_store_key& key,
                                                   std::chrono::seconds expiry_margin,
                                                   std::chrono::system_clock::time_point now) {
  if (!directory_trusted(false))
    return std::nullopt;
  const fs::path path = entry_path(key);
  // O_NOFOLLOW: an entry that is a symbolic link could point anywhere. O_NONBLOCK: a FIFO put in
  // its place must not hang the program.
  fd_guard fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ELOOP)
      warn("token cache entry '" + path.string() + "' is a symbolic link: not used");
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return std::nullopt;
  std::string problem;
  if (!S_ISREG(st.st_mode))
    problem = "token cache entry '" + path.string() + "' is not a regular file";
  else if (std::string d = distrust(st, "token cache entry", path); !d.empty())
    problem = std::move(d);
  else if (static_cast<std::size_t>(st.st_size) > max_entry_bytes)
    problem = "token cache entry '" + path.string() + "' is too large";
  if (!problem.empty()) {
    warn(problem + ": not used");
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  auto entry = detail::decode_token_entry(text, key, problem);
  if (!entry) {
    warn("token cache entry '" + path.string() + "' ignored: " + problem);
    return std::nullopt;
  }
  if (!detail::token_entry_usable(*entry, expiry_margin, now))
    return std::nullopt;
  return std::move(entry->token);
}

error_code file_token_store::save(const token_store_key& key, const access_token& token,
                                  std::chrono::seconds lifetime) {
  if (!directory_trusted(true))
    return make_error_code(error::invalid_option);
  const fs::path path = entry_path(key);
  const std::string text = detail::encode_token_entry(key, {token, lifetime});
  std::string temp = (directory_ / (".tmp-" + detail::token_entry_name(key) + "-XXXXXX")).string();
  // mkstemp creates the file with mode 0600, exclusively: nobody else's file is written through.
  fd_guard fd(::mkstemp(temp.data()));
  if (fd.get() < 0) {
    const int e = errno;
    warn("token cache: cannot write in '" + directory_.string() + "': " + std::strerror(e));
    return errno_code(e);
  }
  std::size_t put = 0;
  while (put < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + put, text.size() - put);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    put += static_cast<std::size_t>(n);
  }
  const int write_errno = errno;
  const bool written = put == text.size() && ::fsync(fd.get()) == 0;
  ::close(fd.release());
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = written ? errno : write_errno;
    ::unlink(temp.c_str());
    warn("token cache: cannot write entry '" + path.string() + "': " + std::strerror(e));
    return errno_code(e != 0 ? e : EIO);
  }
  return {};
}

void file_token_store::erase(const token_store_key& key) {
  if (directory_trusted(false))
    ::unlink(entry_path(key).c_str());
}

file_token_store::entry_lock::entry_lock(entry_lock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

file_token_store::entry_lock& file_token_store::entry_lock::operator=(entry_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

file_token_store::entry_lock::~entry_lock() {
  if (fd_ >= 0)
    ::close(fd_);  // releases the flock
}

std::optional<file_token_store::entry_lock> file_token_store::lock(
    const token_store_key& key, std::chrono::milliseconds timeout, error_code& ec) {
  ec.clear();
  if (!directory_trusted(true)) {
    ec = make_error_code(error::invalid_option);
    return std::nullopt;
  }
  fs::path path = entry_path(key);
  path += ".lock";
  fd_guard fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    ec = errno_code(errno);
    warn("token cache: cannot open lock '" + path.string() + "': " + std::strerror(errno));
    return std::nullopt;
  }
  // flock cannot wait with a deadline: try, and between tries wait briefly. Another program holds
  // the lock only for one token request, so the wait is as long as that request.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
      return entry_lock(fd.release());
    if (errno != EWOULDBLOCK && errno != EINTR) {
      ec = errno_code(errno);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ec = make_error_code(error::timeout);
      return std::nullopt;
    }
    const timespec pause{0, 5'000'000};  // 5 ms
    ::nanosleep(&pause, nullptr);
  }
}

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include "credentials/credentials_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include <here/oauth/error.hpp>

#include "common/wipe.hpp"

namespace here::oauth::detail {
namespace {

std::string quoted(const std::filesystem::path& file) {
  return "'" + file.string() + "'";
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& message) {
  throw credentials_error(error::credentials_file_unreadable, message, file);
}

[[noreturn]] void fail_errno(const std::filesystem::path& file, const char* what, int err) {
  fail(file, std::string("cannot ") + what + " credentials file " + quoted(file) + ": " +
                 std::generic_category().message(err != 0 ? err : EIO));
}

const char* file_kind(mode_t mode) noexcept {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO (named pipe)";
  if (S_ISSOCK(mode))
    return "a socket";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  return "of an unknown type";
}

void refuse_unless_regular(const std::filesystem::path& file, mode_t mode) {
  if (!S_ISREG(mode)) {
    fail(file, "cannot read credentials file " + quoted(file) + ": it is " + file_kind(mode) +
                   ", not a regular file");
  }
}

long long nanoseconds(const timespec& t) noexcept {
  return static_cast<long long>(t.tv_sec) * 1'000'000'000LL + t.tv_nsec;
}

file_stamp stamp_of(const struct stat& st) noexcept {
  file_stamp s;
  s.device = static_cast<std::uint64_t>(st.st_dev);
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = nanoseconds(st.st_mtim);
  s.ctime_ns = nanoseconds(st.st_ctim);
  return s;
}

// Racy when the file changed (content: mtime; anything: ctime) less than racy_window_ns before
// now, or claims to have changed in the future (a clock ahead of ours, e.g. an NFS server's).
bool is_racy(const file_stamp& s) noexcept {
  timespec now{};
  if (::clock_gettime(CLOCK_REALTIME, &now) != 0)
    return true;
  return nanoseconds(now) - std::max(s.mtime_ns, s.ctime_ns) < racy_window_ns;
}

}  // namespace

unique_fd::~unique_fd() {
  if (fd_ >= 0)
    ::close(fd_);
}

file_observation observe_file(const std::filesystem::path& file) noexcept {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    return {{}, errno != 0 ? errno : EIO};
  return {stamp_of(st), 0};
}

unique_fd open_regular_file(const std::filesystem::path& file, file_observation& seen,
                            unsigned* permissions) {
  // O_NONBLOCK: open() of a FIFO without a writer would otherwise wait for one, forever.
  // O_NOCTTY: a terminal device never becomes our controlling terminal. No O_NOFOLLOW: a symbolic
  // link to a regular file (a Kubernetes secret, a dotfile manager) is fine; fstat() below sees
  // what it points to.
  unique_fd fd(::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    seen = observe_file(file);
    struct stat st {};
    if (seen.stat_error == 0 && ::stat(file.c_str(), &st) == 0)
      refuse_unless_regular(file, st.st_mode);  // replaced since, or a socket (ENXIO)
    fail_errno(file, "open", err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    seen = observe_file(file);
    fail_errno(file, "read", err);
  }
  seen = {stamp_of(st), 0};
  seen.stamp.racy = is_racy(seen.stamp);
  refuse_unless_regular(file, st.st_mode);
  // A regular file never blocks, but reads must not start failing with EAGAIN either.
  if (const int flags = ::fcntl(fd.get(), F_GETFL); flags >= 0)
    ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  if (permissions != nullptr)
    *permissions = static_cast<unsigned>(st.st_mode) & 07777u;
  return fd;
}

void read_descriptor(int fd, std::size_t size_hint, const std::filesystem::path& file,
                     std::string& text) {
  const std::size_t limit = max_credentials_file_bytes + 1;  // one byte more tells "too large"
  const auto too_large = [&] {
    fail(file, "credentials file " + quoted(file) + " is larger than 1 MiB");
  };
  // One byte beyond the expected size, so that the end of the file is seen without growing.
  wipe(text);
  text.resize(std::clamp<std::size_t>(size_hint + 1, 256, limit));
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) {
      // The file grew while it was read: move to a larger buffer by hand, wiping the old one, so
      // no copy of the secret stays behind in freed memory (std::string would not wipe it).
      if (used >= limit)
        too_large();
      std::string bigger(std::min(std::max<std::size_t>(2 * used, 4096), limit), '\0');
      std::memcpy(bigger.data(), text.data(), used);
      wipe(text);
      text.swap(bigger);
    }
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fail_errno(file, "read", errno);
    }
    if (n == 0)
      break;
    used += static_cast<std::size_t>(n);
  }
  text.resize(used);  // shrinks in place: no reallocation
}

unsigned read_credentials_file(const std::filesystem::path& file, std::string& text,
                               file_observation& seen) {
  // Look before opening: a FIFO, socket, device or directory is refused without being opened
  // (opening a device may have effects, e.g. rewinding a tape).
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    const int err = errno;
    seen = {{}, err};
    fail_errno(file, "open", err);
  }
  seen = {stamp_of(st), 0};
  refuse_unless_regular(file, st.st_mode);
  unsigned permissions = 0;
  // The path may have been replaced since: open_regular_file() checks what it opened again.
  unique_fd fd = open_regular_file(file, seen, &permissions);
  read_descriptor(fd.get(), static_cast<std::size_t>(seen.stamp.size), file, text);
  return permissions;
}

std::string permission_warning(const std::filesystem::path& file, unsigned permissions) {
  const auto has = [permissions](unsigned bits) { return (permissions & bits) != 0; };
  const char* what = nullptr;
  if (has(S_IRGRP | S_IROTH))
    what = "readable";
  else if (has(S_IWGRP | S_IWOTH))
    what = "writable";
  else if (has(S_IXGRP | S_IXOTH))
    what = "accessible";
  if (what == nullptr)
    return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", permissions & 0777u);
  return "credentials file " + quoted(file) + " is " + what + " by group or others (mode " + mode +
         "); run chmod 600 " + quoted(file);
}

}  // namespace here::oauth::detail

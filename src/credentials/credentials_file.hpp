// SPDX-License-Identifier: Apache-2.0
// Reading a credentials file safely: only regular files, never blocking on a FIFO or a device,
// at most 1 MiB, every buffer that held the secret wiped, and what the file looked like when it
// was read (for rotation). POSIX.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include <here/oauth/credentials.hpp>

namespace here::oauth::detail {

/// A credentials file is a few hundred bytes; anything this large is the wrong file.
inline constexpr std::size_t max_credentials_file_bytes = 1024 * 1024;

/// A file modified less than this long before it was read gets a racy stamp: file systems keep
/// timestamps in ticks (a few ms on ext4, 1 s or 2 s on others), so a rewrite in the same tick
/// could leave size and times as they were.
inline constexpr long long racy_window_ns = 2'000'000'000;

/// What one stat() of a path said: its stamp, or the errno stat() failed with (ENOENT: no file).
struct file_observation {
  file_stamp stamp;    ///< all zero when stat_error is set
  int stat_error = 0;  ///< 0, or the errno of the failed stat()

  friend bool operator==(const file_observation&, const file_observation&) = default;
};

/// One stat() of file, following symbolic links (a re-pointed link is a new inode). Never reads.
/// The stamp is never racy.
file_observation observe_file(const std::filesystem::path& file) noexcept;

/// An open file descriptor, closed on destruction.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  unique_fd& operator=(unique_fd&&) = delete;
  unique_fd(const unique_fd&) = delete;
  ~unique_fd();
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

/// Opens file for reading without ever blocking on what it is (O_NONBLOCK: a FIFO without a
/// writer does not hold the call), then refuses anything fstat() does not call a regular file.
/// Symbolic links are followed. Records the opened file's stamp in seen (racy when it was
/// modified within racy_window_ns of now), and its permission bits in permissions when not null.
/// Throws credentials_error (credentials_file_unreadable) naming the file and what it is.
unique_fd open_regular_file(const std::filesystem::path& file, file_observation& seen,
                            unsigned* permissions = nullptr);

/// Reads fd to its end into text, growing it (and wiping each buffer it leaves) beyond size_hint
/// when the file grows while it is read; refuses more than max_credentials_file_bytes. On return
/// text holds exactly the bytes read. Throws credentials_error naming file.
void read_descriptor(int fd, std::size_t size_hint, const std::filesystem::path& file,
                     std::string& text);

/// The whole file: a stat() first, so that a FIFO, socket, device or directory is refused before
/// it is even opened (opening some devices has effects), then open_regular_file() (in case the
/// path was replaced in between) and read_descriptor(). text must be wiped by the caller, on
/// errors too; seen says what was found, also when this throws. Returns the permission bits.
unsigned read_credentials_file(const std::filesystem::path& file, std::string& text,
                               file_observation& seen);

/// Like ssh with private keys: a credentials file that group or others may read, write or enter
/// is worth a warning (not an error: the machine may have a single user). Empty when all is well.
std::string permission_warning(const std::filesystem::path& file, unsigned permissions);

}  // namespace here::oauth::detail

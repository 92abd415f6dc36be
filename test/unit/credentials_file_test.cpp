// SPDX-License-Identifier: Apache-2.0
// Reading a credentials file: anything but a regular file (FIFO, socket, device, directory) is
// refused without blocking; the 1 MiB limit holds however the file grows; the file is remembered.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>

#include "credentials/credentials_file.hpp"
#include "credentials_test_support.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::contains;
using test_support::expect_credentials_error;
using test_support::minimal_credentials;
using test_support::temp_dir;

fs::path make_fifo(const temp_dir& dir) {
  const fs::path fifo = dir.path() / "credentials.properties";
  if (::mkfifo(fifo.c_str(), 0600) != 0)
    throw std::runtime_error("mkfifo failed: " + std::string(std::strerror(errno)));
  return fifo;
}

// Runs f (which must throw credentials_error) on another thread and waits at most 30 s for it.
// Should f block in open() of the FIFO (no writer), the test fails and opens the FIFO's write end
// to release it: the test never hangs, and never sleeps.
template <class F>
credentials_error bounded_on_fifo(const fs::path& fifo, F f) {
  auto result = std::async(std::launch::async, [f] { return expect_credentials_error(f); });
  if (result.wait_for(30s) != std::future_status::ready) {
    ADD_FAILURE() << "blocked on the FIFO";
    const int writer = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (writer >= 0)
      ::close(writer);
  }
  return result.get();
}

void expect_refused_as(const credentials_error& e, const fs::path& file, std::string_view kind) {
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_EQ(e.file(), file);
  EXPECT_EQ(e.line(), 0u);
  const std::string what = e.what();
  EXPECT_TRUE(contains(what, "'" + file.string() + "'")) << what;
  EXPECT_TRUE(contains(what, "is " + std::string(kind) + ", not a regular file")) << what;
}

TEST(CredentialsFile, AFifoWithoutWriterIsRefusedWithoutBlocking) {
  temp_dir dir;
  const fs::path fifo = make_fifo(dir);
  credentials_error e = bounded_on_fifo(fifo, [fifo] { load_credentials(fifo); });
  expect_refused_as(e, fifo, "a FIFO (named pipe)");
}

TEST(CredentialsFile, OpeningAFifoDirectlyDoesNotBlockEither) {
  // The second line of defence, for a path replaced by a FIFO between the stat() and the open():
  // the open does not wait for a writer, and fstat() refuses what was opened.
  temp_dir dir;
  const fs::path fifo = make_fifo(dir);
  credentials_error e = bounded_on_fifo(fifo, [fifo] {
    detail::file_observation seen;
    detail::open_regular_file(fifo, seen);
  });
  expect_refused_as(e, fifo, "a FIFO (named pipe)");
}

TEST(CredentialsFile, ASymbolicLinkToAFifoIsRefusedToo) {
  temp_dir dir;
  const fs::path fifo = make_fifo(dir);
  const fs::path link = dir.path() / "link.properties";
  fs::create_symlink(fifo, link);
  credentials_error e = bounded_on_fifo(fifo, [link] { load_credentials(link); });
  expect_refused_as(e, link, "a FIFO (named pipe)");
}

TEST(CredentialsFile, AUnixSocketIsRefused) {
  temp_dir dir;
  const fs::path socket_path = dir.path() / "credentials.sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.string().size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  credentials_error e = expect_credentials_error([&] { load_credentials(socket_path); });
  expect_refused_as(e, socket_path, "a socket");
  // open() of a socket fails (ENXIO); the error still says what the path is.
  e = expect_credentials_error([&] {
    detail::file_observation seen;
    detail::open_regular_file(socket_path, seen);
  });
  expect_refused_as(e, socket_path, "a socket");
  ::close(fd);
}

TEST(CredentialsFile, CharacterDevicesAreRefused) {
  // /dev/null would read as an empty file, /dev/zero as an endless one.
  for (const fs::path device : {"/dev/null", "/dev/zero"}) {
    SCOPED_TRACE(device);
    if (!fs::is_character_file(device))
      GTEST_SKIP() << device << " is missing";
    credentials_error e = expect_credentials_error([&] { load_credentials(device); });
    expect_refused_as(e, device, "a character device");
    e = expect_credentials_error([&] {
      detail::file_observation seen;
      detail::open_regular_file(device, seen);
    });
    expect_refused_as(e, device, "a character device");
  }
}

TEST(CredentialsFile, ADirectoryIsRefused) {
  temp_dir dir;
  credentials_error e = expect_credentials_error([&] { load_credentials(dir.path()); });
  expect_refused_as(e, dir.path(), "a directory");
  e = expect_credentials_error([&] {
    detail::file_observation seen;
    detail::open_regular_file(dir.path(), seen);
  });
  expect_refused_as(e, dir.path(), "a directory");
}

TEST(CredentialsFile, ASymbolicLinkToARegularFileIsRead) {
  temp_dir dir;
  const fs::path target = dir.write("real/credentials.properties", minimal_credentials);
  const fs::path link = dir.path() / "link.properties";
  fs::create_symlink(target, link);
  credentials c = load_credentials(link);
  EXPECT_EQ(c.access_key_id, "id");
  EXPECT_EQ(c.file, link);  // the link is followed each time: re-pointing it is a rotation
  EXPECT_EQ(c.file_version.size, minimal_credentials.size());
}

TEST(CredentialsFile, ADanglingSymbolicLinkIsAMissingFile) {
  temp_dir dir;
  const fs::path link = dir.path() / "link.properties";
  fs::create_symlink(dir.path() / "gone", link);
  credentials_error e = expect_credentials_error([&] { load_credentials(link); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "No such file")) << e.what();
}

// A file that grows after its size was taken: read_descriptor() is given the stale size.
struct opened {
  detail::unique_fd fd;
  explicit opened(const fs::path& file) : fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
};

TEST(CredentialsFile, AFileLargerThanItsSizeSaidIsReadWhole) {
  temp_dir dir;
  std::string content(5000, 'x');
  for (std::size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>('a' + i % 26);
  const fs::path file = dir.write("grown", content);
  opened f(file);
  std::string text;
  detail::read_descriptor(f.fd.get(), 10, file, text);
  EXPECT_EQ(text, content);
}

TEST(CredentialsFile, AFileGrowingPastOneMebibyteWhileReadIsRefused) {
  temp_dir dir;
  const fs::path file = dir.write("grown", std::string(2 * 1024 * 1024, '#'));
  opened f(file);
  std::string text;
  credentials_error e =
      expect_credentials_error([&] { detail::read_descriptor(f.fd.get(), 100, file, text); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "larger than 1 MiB")) << e.what();
  EXPECT_EQ(e.file(), file);
}

TEST(CredentialsFile, AReadErrorIsReportedWithItsCause) {
  // read() of a directory's descriptor fails (EISDIR) even for root, who reads any file.
  temp_dir dir;
  opened d(dir.path());
  ASSERT_GE(d.fd.get(), 0);
  std::string text;
  credentials_error e =
      expect_credentials_error([&] { detail::read_descriptor(d.fd.get(), 0, dir.path(), text); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(e.what(), "cannot read credentials file '" + dir.path().string() + "'"))
      << e.what();
  EXPECT_TRUE(contains(e.what(), "Is a directory")) << e.what();
}

TEST(CredentialsFile, ARegularFileThatCannotBeReadIsUnreadable) {
  // /proc/self/mem is a regular file whose read at offset 0 fails (EIO), for root too: the
  // unreadable-file path that chmod 000 cannot show when the tests run as root.
  const fs::path mem = "/proc/self/mem";
  if (!fs::is_regular_file(mem))
    GTEST_SKIP() << "no " << mem;
  credentials_error e = expect_credentials_error([&] { load_credentials(mem); });
  EXPECT_EQ(e.code(), make_error_code(error::credentials_file_unreadable));
  EXPECT_EQ(e.file(), mem);
  EXPECT_TRUE(contains(e.what(), "cannot read credentials file '/proc/self/mem'")) << e.what();
  EXPECT_TRUE(contains(e.what(), "Input/output error")) << e.what();
}

TEST(CredentialsFile, ExactlyOneMebibyteIsTheLimit) {
  temp_dir dir;
  const fs::path at_limit = dir.write("at", std::string(detail::max_credentials_file_bytes, '#'));
  const fs::path over = dir.write("over", std::string(detail::max_credentials_file_bytes + 1, '#'));
  std::string text;
  opened a(at_limit);
  detail::read_descriptor(a.fd.get(), detail::max_credentials_file_bytes, at_limit, text);
  EXPECT_EQ(text.size(), detail::max_credentials_file_bytes);
  opened b(over);
  credentials_error e = expect_credentials_error([&] {
    detail::read_descriptor(b.fd.get(), detail::max_credentials_file_bytes + 1, over, text);
  });
  EXPECT_TRUE(contains(e.what(), "larger than 1 MiB")) << e.what();
}

TEST(CredentialsFile, LoadedCredentialsRememberTheFileAndItsVersion) {
  temp_dir dir;
  const fs::path file = dir.write("credentials.properties", minimal_credentials);
  credentials c = load_credentials(file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(c.file, file);
  EXPECT_EQ(c.file_version.device, static_cast<std::uint64_t>(st.st_dev));
  EXPECT_EQ(c.file_version.inode, static_cast<std::uint64_t>(st.st_ino));
  EXPECT_EQ(c.file_version.size, minimal_credentials.size());
  EXPECT_EQ(c.file_version.mtime_ns, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec);
  EXPECT_TRUE(c.file_version.racy);  // written just now: a rewrite in the same tick could hide
  // Copies keep it; parsed text and the environment have no file.
  credentials copy = c;
  EXPECT_EQ(copy.file, file);
  EXPECT_EQ(copy.file_version, c.file_version);
  EXPECT_EQ(parse_credentials(minimal_credentials, "text").file, fs::path());
}

TEST(CredentialsFile, ARelativePathIsRememberedAbsolute) {
  temp_dir dir;
  dir.write("credentials.properties", minimal_credentials);
  const fs::path before = fs::current_path();
  fs::current_path(dir.path());
  credentials c;
  EXPECT_NO_THROW(c = load_credentials("credentials.properties"));
  fs::current_path(before);
  EXPECT_EQ(c.file, dir.path() / "credentials.properties");
  EXPECT_EQ(c.source, "credentials.properties");  // messages keep the name as given
}

TEST(CredentialsFile, ObserveFileStatsWithoutReading) {
  temp_dir dir;
  const fs::path file = dir.write("c", minimal_credentials);
  ::chmod(file.c_str(), 0);  // stat() needs no read permission
  const detail::file_observation seen = detail::observe_file(file);
  EXPECT_EQ(seen.stat_error, 0);
  EXPECT_EQ(seen.stamp.size, minimal_credentials.size());
  EXPECT_FALSE(seen.stamp.racy);
  EXPECT_EQ(detail::observe_file(dir.path() / "missing").stat_error, ENOENT);
}

TEST(CredentialsFile, PermissionWarningFromTheModeBits) {
  EXPECT_EQ(detail::permission_warning("f", 0600), "");
  EXPECT_EQ(detail::permission_warning("f", 0400), "");
  EXPECT_TRUE(contains(detail::permission_warning("f", 0644), "readable by group or others"));
  EXPECT_TRUE(contains(detail::permission_warning("f", 0620), "writable by group or others"));
  EXPECT_TRUE(contains(detail::permission_warning("f", 0610), "accessible by group or others"));
  EXPECT_TRUE(contains(detail::permission_warning("f", 0644), "(mode 0644)"));
}

}  // namespace
}  // namespace here::oauth

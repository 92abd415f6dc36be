// SPDX-License-Identifier: Apache-2.0
// credentials_file_watch: one stat() when the file is unchanged, a re-read when it was rewritten,
// replaced or re-pointed, and errors (never the secret) when the new version cannot be used.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>

#include "credentials/credentials_file_watch.hpp"
#include "credentials/load_credentials.hpp"
#include "credentials_test_support.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using detail::credentials_file_watch;
using outcome = credentials_file_watch::outcome;
using change = credentials_file_watch::change;
using test_support::contains;
using test_support::temp_dir;

std::string file_text(std::string_view id, std::string_view secret) {
  return "here.access.key.id = " + std::string(id) +
         "\nhere.access.key.secret = " + std::string(secret) + "\n";
}

// Every file is written "an hour ago" and its versions are one second apart, and the loader
// below treats every version as written long before it was read (racy = false). Versions then
// differ only where a test makes them differ, with no clock involved. (A freshly written file is
// racy for a moment; RacyVersionIsReadAgainButIsNoChange covers that.)
class CredentialsFileWatch : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.write("credentials.properties", file_text("id-1", "secret-one"));
    fs::last_write_time(file_, next_time());
  }

  fs::file_time_type next_time() { return base_ + 1s * ++version_; }

  // Rewrites the file in place, with a new modification time.
  void rewrite(std::string_view text) {
    dir_.write("credentials.properties", text);
    fs::last_write_time(file_, next_time());
  }

  credentials load() {
    credentials c = load_credentials(file_);
    c.file_version.racy = false;
    return c;
  }

  credentials_file_watch watch(const credentials& c) {
    return credentials_file_watch(c, [this](const fs::path& p, detail::file_observation& seen) {
      ++reads_;
      struct not_racy {
        detail::file_observation& seen;
        ~not_racy() { seen.stamp.racy = false; }
      } guard{seen};
      credentials loaded = detail::load_credentials_file(p, seen);
      loaded.file_version.racy = false;
      return loaded;
    });
  }

  temp_dir dir_;
  fs::path file_;
  int reads_ = 0;
  fs::file_time_type base_ = fs::file_time_type::clock::now() - 1h;
  int version_ = 0;
};

TEST_F(CredentialsFileWatch, AnUnchangedFileIsNeverRead) {
  const credentials current = load();
  auto w = watch(current);
  EXPECT_TRUE(w.watching());
  EXPECT_EQ(w.file(), file_);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(w.check(), change::unchanged);
    EXPECT_EQ(w.poll(current).what, outcome::unchanged);
  }
  EXPECT_EQ(reads_, 0);
}

TEST_F(CredentialsFileWatch, ARewriteOfTheSameSizeIsSeenAndReloaded) {
  const credentials current = load();
  auto w = watch(current);
  rewrite(file_text("id-2", "secret-two"));  // same size, new modification time
  ASSERT_EQ(fs::file_size(file_), file_text("id-1", "secret-one").size());
  EXPECT_EQ(w.check(), change::changed);
  auto r = w.poll(current);
  ASSERT_EQ(r.what, outcome::reloaded) << r.message;
  EXPECT_EQ(r.creds->access_key_id, "id-2");
  EXPECT_EQ(r.creds->access_key_secret.reveal(), "secret-two");
  EXPECT_EQ(r.creds->file, file_);
  EXPECT_EQ(reads_, 1);
  // The watch now follows the new version: no further read.
  EXPECT_EQ(w.check(), change::unchanged);
  EXPECT_EQ(w.poll(*r.creds).what, outcome::unchanged);
  EXPECT_EQ(reads_, 1);
}

TEST_F(CredentialsFileWatch, AFileReplacedByRenameIsSeenByItsInode) {
  const credentials current = load();
  auto w = watch(current);
  // Same size and the very same modification time: only the inode tells.
  const fs::path staged = dir_.write("staged.properties", file_text("id-3", "secret-333"));
  fs::last_write_time(staged, fs::last_write_time(file_));
  fs::rename(staged, file_);
  EXPECT_EQ(w.check(), change::changed);
  auto r = w.poll(current);
  ASSERT_EQ(r.what, outcome::reloaded) << r.message;
  EXPECT_EQ(r.creds->access_key_secret.reveal(), "secret-333");
}

TEST_F(CredentialsFileWatch, ARepointedSymbolicLinkIsSeen) {
  // How Kubernetes updates a mounted secret: a new directory, then the link swapped to it.
  const fs::path a = dir_.write("a/credentials.properties", file_text("id-a", "secret-a"));
  const fs::path b = dir_.write("b/credentials.properties", file_text("id-b", "secret-b"));
  fs::last_write_time(b, fs::last_write_time(a));
  const fs::path link = dir_.path() / "current.properties";
  fs::create_symlink(a, link);
  credentials current = load_credentials(link);
  current.file_version.racy = false;
  auto w = watch(current);
  EXPECT_EQ(w.check(), change::unchanged);
  const fs::path next = dir_.path() / "next.properties";
  fs::create_symlink(b, next);
  fs::rename(next, link);
  auto r = w.poll(current);
  ASSERT_EQ(r.what, outcome::reloaded) << r.message;
  EXPECT_EQ(r.creds->access_key_id, "id-b");
}

TEST_F(CredentialsFileWatch, ABrokenRewriteIsReportedOnceAndTheCallerKeepsItsCredentials) {
  credentials current = load();
  auto w = watch(current);
  rewrite("here.access.key.id = id-2\nhere.access.key.secret = Half~Written~\\u12");
  auto r = w.poll(current);
  EXPECT_EQ(r.what, outcome::failed);
  EXPECT_FALSE(r.creds.has_value());
  EXPECT_EQ(r.error, make_error_code(error::credentials_malformed));
  EXPECT_TRUE(contains(r.message, file_.string() + ":2:")) << r.message;
  EXPECT_TRUE(contains(r.message, "here.access.key.secret")) << r.message;
  EXPECT_FALSE(contains(r.message, "Half~Written")) << r.message;
  EXPECT_EQ(current.access_key_secret.reveal(), "secret-one");  // untouched: still in use
  // The broken version is not read (nor reported) again until the file changes again.
  EXPECT_EQ(w.check(), change::unchanged);
  EXPECT_EQ(w.poll(current).what, outcome::unchanged);
  EXPECT_EQ(reads_, 1);
  rewrite(file_text("id-3", "secret-333"));
  r = w.poll(current);
  ASSERT_EQ(r.what, outcome::reloaded) << r.message;
  EXPECT_EQ(r.creds->access_key_id, "id-3");
  EXPECT_EQ(reads_, 2);
}

TEST_F(CredentialsFileWatch, ADeletedFileIsAnErrorUntilItComesBack) {
  const credentials current = load();
  auto w = watch(current);
  fs::remove(file_);
  EXPECT_EQ(w.check(), change::changed);
  auto r = w.poll(current);
  EXPECT_EQ(r.what, outcome::failed);
  EXPECT_EQ(r.error, make_error_code(error::credentials_file_unreadable));
  EXPECT_TRUE(contains(r.message, file_.string())) << r.message;
  EXPECT_TRUE(contains(r.message, "No such file")) << r.message;
  EXPECT_EQ(w.check(), change::unchanged);  // still missing: nothing new to say
  rewrite(file_text("id-4", "secret-4"));
  EXPECT_EQ(w.check(), change::changed);
  r = w.poll(current);
  ASSERT_EQ(r.what, outcome::reloaded) << r.message;
  EXPECT_EQ(r.creds->access_key_id, "id-4");
}

TEST_F(CredentialsFileWatch, AFileReplacedByAFifoIsRefusedWithoutBlocking) {
  const credentials current = load();
  auto w = watch(current);
  fs::remove(file_);
  ASSERT_EQ(::mkfifo(file_.c_str(), 0600), 0);
  auto r = w.poll(current);  // refused at the stat(): a hang here would be a bug
  EXPECT_EQ(r.what, outcome::failed);
  EXPECT_TRUE(contains(r.message, "is a FIFO")) << r.message;
}

TEST_F(CredentialsFileWatch, ForcedPollRereadsButSameValuesAreNoChange) {
  const credentials current = load();
  auto w = watch(current);
  EXPECT_EQ(w.poll(current, /*force=*/true).what, outcome::unchanged);
  EXPECT_EQ(reads_, 1);
  // A rewrite with the very same values (touch, a config tool) is no change either.
  rewrite(file_text("id-1", "secret-one"));
  EXPECT_EQ(w.check(), change::changed);
  EXPECT_EQ(w.poll(current).what, outcome::unchanged);
  EXPECT_EQ(reads_, 2);
}

TEST_F(CredentialsFileWatch, ReloadReturnsTheNewCredentialsOrTheError) {
  auto w = watch(load());
  auto ok = w.reload();
  ASSERT_TRUE(ok.ok()) << ok.message;
  EXPECT_EQ(ok.creds->access_key_id, "id-1");
  rewrite("here.access.key.id = id\n");
  auto bad = w.reload();
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error, make_error_code(error::credentials_missing));
  EXPECT_TRUE(contains(bad.message, "here.access.key.secret")) << bad.message;
}

TEST_F(CredentialsFileWatch, RacyVersionIsReadAgainButIsNoChange) {
  // Read in the same instant it was written: a rewrite in the same timestamp tick would leave
  // size and times as they were, so the version is not trusted and the next check reads again.
  const credentials racy = load_credentials(dir_.write("fresh.properties", file_text("i", "s")));
  ASSERT_TRUE(racy.file_version.racy);
  credentials_file_watch w(racy);
  EXPECT_EQ(w.check(), change::changed);
  EXPECT_EQ(w.poll(racy).what, outcome::unchanged);  // same values: nothing to report
}

TEST(CredentialsFileWatchWithoutFile, CredentialsFromTheEnvironmentOrCodeAreNotWatched) {
  credentials c = parse_credentials(test_support::minimal_credentials, "text");
  credentials_file_watch w(c);
  EXPECT_FALSE(w.watching());
  EXPECT_EQ(w.check(), change::unchanged);
  EXPECT_EQ(w.poll(c).what, outcome::unchanged);
  EXPECT_EQ(w.poll(c, true).what, outcome::unchanged);
  EXPECT_FALSE(w.reload().ok());
}

TEST(SameCredentials, ComparesWhatARequestUses) {
  credentials a = parse_credentials(test_support::minimal_credentials, "a");
  credentials b = parse_credentials(test_support::minimal_credentials, "b");
  b.warnings.push_back("w");
  b.file = "/x";
  EXPECT_TRUE(detail::same_credentials(a, b));
  for (auto change_one :
       {+[](credentials& c) { c.access_key_id += "x"; },
        +[](credentials& c) { c.access_key_secret = secret_string("other"); },
        +[](credentials& c) { c.token_endpoint_url += "x"; },
        +[](credentials& c) { c.scope = "hrn:x"; }, +[](credentials& c) { c.user_id = "u"; },
        +[](credentials& c) { c.client_id = "c"; }}) {
    credentials changed = a;
    change_one(changed);
    EXPECT_FALSE(detail::same_credentials(a, changed));
  }
}

}  // namespace
}  // namespace here::oauth

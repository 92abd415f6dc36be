// SPDX-License-Identifier: Apache-2.0
// file_token_store: the on-disk token cache of here-token and other short-lived programs. Its
// entry format and expiry rule, and each of its security rules, on real files.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <here/oauth/error.hpp>
#include <here/oauth/file_token_store.hpp>

#include "scoped_env.hpp"
#include "store/token_entry.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using std::chrono::system_clock;
using test_support::temp_dir;

token_store_key key_of(std::string scope = {}) {
  return {"https://account.api.here.com/oauth2/token", "key-id", std::move(scope), std::nullopt};
}

const system_clock::time_point t0 = system_clock::time_point(std::chrono::seconds(1'800'000'000));

access_token token_until(system_clock::time_point expires_at, std::string value = "tok.en-1") {
  return {std::move(value), "bearer", "", expires_at};
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(TokenEntry, RoundTripsWithoutTheSecretAndChecksItsKey) {
  const detail::token_entry entry{token_until(t0 + 3600s), 3600s};
  const std::string text = detail::encode_token_entry(key_of(), entry);
  EXPECT_NE(text.find("\"access_key_id\":\"key-id\""), std::string::npos) << text;
  std::string problem;
  const auto decoded = detail::decode_token_entry(text, key_of(), problem);
  ASSERT_TRUE(decoded) << problem;
  EXPECT_EQ(decoded->token, entry.token);
  EXPECT_EQ(decoded->lifetime, 3600s);
  EXPECT_FALSE(detail::decode_token_entry(text, key_of("hrn:other"), problem));
  EXPECT_EQ(problem, "an entry for another key");
}

TEST(TokenEntry, DifferentKeysHaveDifferentNames) {
  token_store_key with_lifetime = key_of();
  with_lifetime.requested_lifetime = 600s;
  token_store_key other_id = key_of();
  other_id.access_key_id = "key-id2";
  const std::string name = detail::token_entry_name(key_of());
  EXPECT_EQ(name.size(), 32u + 5u);
  EXPECT_EQ(name, detail::token_entry_name(key_of()));
  EXPECT_NE(name, detail::token_entry_name(key_of("s")));
  EXPECT_NE(name, detail::token_entry_name(with_lifetime));
  EXPECT_NE(name, detail::token_entry_name(other_id));
}

TEST(TokenEntry, BrokenOrForeignEntriesAreRefusedWithTheReason) {
  std::string problem;
  const std::string good = detail::encode_token_entry(key_of(), {token_until(t0), 3600s});
  EXPECT_FALSE(detail::decode_token_entry(good.substr(0, good.size() / 2), key_of(), problem));
  EXPECT_EQ(problem, "not a JSON object");
  std::string v2 = good;
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  EXPECT_FALSE(detail::decode_token_entry(v2, key_of(), problem));
  EXPECT_EQ(problem, "not an entry of version 1");
  std::string bad_token = good;
  bad_token.replace(bad_token.find("tok.en-1"), 8, "tok en-1");
  EXPECT_FALSE(detail::decode_token_entry(bad_token, key_of(), problem));
  EXPECT_EQ(problem, "a field has an impossible value");
  std::string no_type = good;
  no_type.replace(no_type.find("\"token_type\""), 12, "\"token_kind\"");
  EXPECT_FALSE(detail::decode_token_entry(no_type, key_of(), problem));
  EXPECT_EQ(problem, "a field is missing or of the wrong type");
}

TEST(TokenEntry, UsableOnlyBeforeTheProvidersHardPoint) {
  // A 24 h token: the hard point is 30 s before expiry. A 100 s token: 10 s before.
  const detail::token_entry day{token_until(t0 + 86400s), 86400s};
  EXPECT_TRUE(detail::token_entry_usable(day, 30s, t0 + 86400s - 31s));
  EXPECT_FALSE(detail::token_entry_usable(day, 30s, t0 + 86400s - 30s));
  const detail::token_entry short_lived{token_until(t0 + 100s), 100s};
  EXPECT_TRUE(detail::token_entry_usable(short_lived, 30s, t0 + 89s));
  EXPECT_FALSE(detail::token_entry_usable(short_lived, 30s, t0 + 90s));
}

TEST(FileTokenStore, SavesAndLoadsWithPrivateModes) {
  temp_dir dir("token-store");
  const fs::path cache = dir.path() / "nested" / "here-oauth";
  file_token_store store(cache);
  EXPECT_FALSE(store.load(key_of(), 30s, t0));  // nothing yet, and nothing to warn about
  EXPECT_TRUE(store.warnings().empty());
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  EXPECT_EQ(mode_of(cache), 0700u);
  const fs::path entry = cache / detail::token_entry_name(key_of());
  EXPECT_EQ(mode_of(entry), 0600u);
  EXPECT_EQ(read(entry).find("secret"), std::string::npos);
  const auto loaded = store.load(key_of(), 30s, t0 + 60s);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->value, "tok.en-1");
  EXPECT_FALSE(store.load(key_of("hrn:other"), 30s, t0 + 60s));  // another scope, another entry
  EXPECT_FALSE(store.load(key_of(), 30s, t0 + 3600s - 30s));     // at its hard point
  // Saving again replaces the entry through a rename: no temporary file is left behind.
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 7200s, "tok.en-2"), 7200s));
  EXPECT_EQ(store.load(key_of(), 30s, t0)->value, "tok.en-2");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(cache))
    ++files;
  EXPECT_EQ(files, 1u);
  store.erase(key_of());
  EXPECT_FALSE(store.load(key_of(), 30s, t0));
  EXPECT_TRUE(store.warnings().empty());
}

TEST(FileTokenStore, ACorruptEntryIsIgnoredWithAWarningAndReplaced) {
  temp_dir dir("token-store");
  file_token_store store(dir.path());
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  const fs::path entry = dir.path() / detail::token_entry_name(key_of());
  const std::string whole = read(entry);
  for (const std::string& broken : {whole.substr(0, whole.size() / 2), std::string(),
                                    std::string("\0\0\0", 3), std::string("[1,2]")}) {
    dir.write(entry.filename(), broken);
    fs::permissions(entry, fs::perms::owner_read | fs::perms::owner_write);
    file_token_store reader(dir.path());
    EXPECT_FALSE(reader.load(key_of(), 30s, t0));
    ASSERT_EQ(reader.warnings().size(), 1u);
    EXPECT_NE(reader.warnings()[0].find("ignored"), std::string::npos) << reader.warnings()[0];
  }
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  EXPECT_TRUE(store.load(key_of(), 30s, t0));
}

TEST(FileTokenStore, EntriesWritableByOthersOrLinkedAreNotTrusted) {
  temp_dir dir("token-store");
  file_token_store store(dir.path());
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  const fs::path entry = dir.path() / detail::token_entry_name(key_of());

  ASSERT_EQ(::chmod(entry.c_str(), 0620), 0);
  file_token_store group_writable(dir.path());
  EXPECT_FALSE(group_writable.load(key_of(), 30s, t0));
  ASSERT_EQ(group_writable.warnings().size(), 1u);
  EXPECT_NE(group_writable.warnings()[0].find("writable by group or others (mode 0620)"),
            std::string::npos)
      << group_writable.warnings()[0];
  ASSERT_EQ(::chmod(entry.c_str(), 0600), 0);

  // A symbolic link in the entry's place, even to a valid entry, is not followed.
  const fs::path elsewhere = dir.path() / "elsewhere.json";
  fs::rename(entry, elsewhere);
  fs::create_symlink(elsewhere, entry);
  file_token_store linked(dir.path());
  EXPECT_FALSE(linked.load(key_of(), 30s, t0));
  ASSERT_EQ(linked.warnings().size(), 1u);
  EXPECT_NE(linked.warnings()[0].find("symbolic link"), std::string::npos);

  // A FIFO in the entry's place neither hangs nor is read.
  fs::remove(entry);
  ASSERT_EQ(::mkfifo(entry.c_str(), 0600), 0);
  file_token_store fifo(dir.path());
  EXPECT_FALSE(fifo.load(key_of(), 30s, t0));
  ASSERT_EQ(fifo.warnings().size(), 1u);
  EXPECT_NE(fifo.warnings()[0].find("not a regular file"), std::string::npos);
}

TEST(FileTokenStore, ADirectoryWritableByOthersIsNotUsedAtAll) {
  temp_dir dir("token-store");
  const fs::path cache = dir.path() / "cache";
  file_token_store store(cache);
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  ASSERT_EQ(::chmod(cache.c_str(), 0777), 0);
  file_token_store shared(cache);
  EXPECT_FALSE(shared.load(key_of(), 30s, t0));
  EXPECT_TRUE(shared.save(key_of(), token_until(t0 + 3600s), 3600s));
  boost::system::error_code ec;
  EXPECT_FALSE(shared.lock(key_of(), 10ms, ec));
  EXPECT_TRUE(ec);
  ASSERT_EQ(shared.warnings().size(), 1u) << "one warning, however often the store is used";
  EXPECT_NE(shared.warnings()[0].find("writable by group or others (mode 0777)"), std::string::npos)
      << shared.warnings()[0];
}

TEST(FileTokenStore, EntriesOfAnotherUserAreNotTrusted) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to give a file to another user";
  temp_dir dir("token-store");
  file_token_store store(dir.path());
  ASSERT_FALSE(store.save(key_of(), token_until(t0 + 3600s), 3600s));
  const fs::path entry = dir.path() / detail::token_entry_name(key_of());
  ASSERT_EQ(::chown(entry.c_str(), 65534, 65534), 0);
  file_token_store reader(dir.path());
  EXPECT_FALSE(reader.load(key_of(), 30s, t0));
  ASSERT_EQ(reader.warnings().size(), 1u);
  EXPECT_NE(reader.warnings()[0].find("belongs to another user (uid 65534)"), std::string::npos);
}

TEST(FileTokenStore, TheEntryLockIsExclusiveAndBoundedByItsTimeout) {
  temp_dir dir("token-store");
  file_token_store first(dir.path());
  file_token_store second(dir.path());
  boost::system::error_code ec;
  auto held = first.lock(key_of(), 1s, ec);
  ASSERT_TRUE(held) << ec.message();
  EXPECT_FALSE(second.lock(key_of(), 20ms, ec));
  EXPECT_EQ(ec, error::timeout);
  EXPECT_TRUE(second.lock(key_of("another scope"), 20ms, ec)) << "locks are per entry";
  held.reset();
  EXPECT_TRUE(second.lock(key_of(), 20ms, ec)) << ec.message();
}

TEST(FileTokenStore, DefaultDirectoryFollowsTheEnvironment) {
  test_support::scoped_env env;
  env.set("HERE_TOKEN_CACHE_DIR", "/srv/tokens");
  EXPECT_EQ(file_token_store::default_directory(), fs::path("/srv/tokens"));
  env.unset("HERE_TOKEN_CACHE_DIR");
  env.set("XDG_CACHE_HOME", "/home/u/.xdg");
  EXPECT_EQ(file_token_store::default_directory(), fs::path("/home/u/.xdg/here-oauth"));
  env.unset("XDG_CACHE_HOME");
  env.set("HOME", "/home/u");
  EXPECT_EQ(file_token_store::default_directory(), fs::path("/home/u/.cache/here-oauth"));
}

}  // namespace
}  // namespace here::oauth

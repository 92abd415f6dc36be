// SPDX-License-Identifier: Apache-2.0
// here-token's token cache between runs, as scripts use it: the real binary against the local
// token server, each run a child process. A run served from the cache makes no request (and reads
// no certificate); --no-cache and --refresh; entries keyed by scope and lifetime; an untrusted
// directory; 50 concurrent runs on a cold cache make one request; a held lock is waited for
// within --timeout. The store's own rules (modes, owners, symbolic links, corrupt entries) are
// unit-tested in test/unit/file_token_store_test.cpp.
#ifdef HERE_TOKEN_CLI_PATH

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <here/oauth/error.hpp>
#include <here/oauth/file_token_store.hpp>

#include "here_token_cli_runner.hpp"

namespace {

using namespace here_token_cli_test;
using here::oauth::file_token_store;
using here::oauth::token_store_key;

struct cache_fixture : cli_fixture {
  temp_dir cache_root;
  fs::path cache_dir = cache_root.path() / "here-oauth";

  std::map<std::string, std::string> env() const {
    return {{"HERE_TOKEN_CACHE_DIR", cache_dir.string()}};
  }
  cli_run run(std::vector<std::string> more = {}) const {
    return run_cli(with_credentials(std::move(more)), env());
  }
  static std::string token_of(const cli_run& r) {
    return r.out.empty() ? std::string() : r.out.substr(0, r.out.size() - 1);
  }
  std::size_t entries() const {
    std::size_t n = 0;
    if (!fs::exists(cache_dir))
      return 0;
    for (const auto& e : fs::directory_iterator(cache_dir))
      n += e.path().extension() == ".json";
    return n;
  }
};

TEST_F(cache_fixture, ASecondRunIsServedFromTheCacheWithoutARequest) {
  const cli_run first = run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const cli_run second = run({"--verbose"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(token_of(second), token_of(first));
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_NE(second.err.find("token from the cache in " + cache_dir.string()), std::string::npos)
      << second.err;
  EXPECT_EQ(second.err.find(secret()), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find(token_of(first)), std::string::npos) << "whole token on stderr";
  // The entry holds neither the secret nor anything but the token's own fields.
  ASSERT_EQ(entries(), 1u);
  for (const auto& e : fs::directory_iterator(cache_dir)) {
    if (e.path().extension() == ".json") {
      EXPECT_EQ(read_file(e.path()).find(secret()), std::string::npos);
      struct stat st {};
      ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 0777, 0600u);
    }
  }
  struct stat dir_st {};
  ASSERT_EQ(::stat(cache_dir.c_str(), &dir_st), 0);
  EXPECT_EQ(dir_st.st_mode & 0777, 0700u);
}

TEST_F(cache_fixture, ACachedRunReadsNoCertificate) {
  ASSERT_EQ(run().exit_code, 0);
  // A CA file that does not exist fails any run that builds a TLS context (exit 2); a run served
  // from the cache never builds one.
  const cli_run cached = run_cli({"--credentials", credentials_file.string(), "--ca-file",
                                  (dir.path() / "no-such-ca.pem").string()},
                                 env());
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_EQ(server.request_count(), 1u);
  // The same with --no-cache does build it, and fails on the missing file.
  const cli_run uncached = run_cli({"--credentials", credentials_file.string(), "--ca-file",
                                    (dir.path() / "no-such-ca.pem").string(), "--no-cache"},
                                   env());
  EXPECT_EQ(uncached.exit_code, 2) << uncached.err;
}

TEST_F(cache_fixture, NoCacheNeitherReadsNorWritesIt) {
  const cli_run a = run({"--no-cache"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_FALSE(fs::exists(cache_dir));
  ASSERT_EQ(run().exit_code, 0);
  const cli_run b = run({"--no-cache"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(server.request_count(), 3u);  // the cached token was not used
}

TEST_F(cache_fixture, RefreshFetchesAndStoresANewToken) {
  const cli_run first = run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const cli_run refreshed = run({"--refresh"});
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  EXPECT_NE(token_of(refreshed), token_of(first));
  EXPECT_EQ(server.request_count(), 2u);
  const cli_run after = run();
  EXPECT_EQ(token_of(after), token_of(refreshed));  // the new one replaced the old
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(entries(), 1u);

  const cli_run both = run({"--no-cache", "--refresh"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--no-cache and --refresh"), std::string::npos) << both.err;
}

TEST_F(cache_fixture, EntriesAreKeyedByScopeAndRequestedLifetime) {
  const std::string p1 = "hrn:here:authorization::org1:project/p1";
  const std::string p2 = "hrn:here:authorization::org1:project/p2";
  const cli_run a = run({"--scope", p1});
  const cli_run b = run({"--scope", p2});
  const cli_run c = run({"--scope", p1, "--expires-in", "1800"});
  const cli_run d = run();
  for (const cli_run* r : {&a, &b, &c, &d})
    ASSERT_EQ(r->exit_code, 0) << r->err;
  EXPECT_EQ(server.request_count(), 4u);
  EXPECT_EQ(entries(), 4u);
  // Each is found again under its own key.
  EXPECT_EQ(token_of(run({"--scope", p2})), token_of(b));
  EXPECT_EQ(token_of(run({"--expires-in", "1800", "--scope", p1})), token_of(c));
  EXPECT_EQ(server.request_count(), 4u);
}

TEST_F(cache_fixture, AnUntrustedDirectoryIsWarnedAboutAndNotUsed) {
  fs::create_directories(cache_dir);
  fs::permissions(cache_dir, fs::perms::all);  // 0777: anyone could plant an entry
  const cli_run first = run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("here-token: warning: "), std::string::npos) << first.err;
  EXPECT_NE(first.err.find(cache_dir.string()), std::string::npos) << first.err;
  const cli_run second = run();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(cache_fixture, TheDefaultLocationFollowsXdgCacheHome) {
  temp_dir xdg;
  const cli_run r = run_cli(with_credentials(), {{"XDG_CACHE_HOME", xdg.path().string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(xdg.path() / "here-oauth"));
}

TEST_F(cache_fixture, FiftyConcurrentRunsOnAColdCacheMakeOneRequest) {
  std::vector<running_cli> runs;
  for (int i = 0; i < 50; ++i)
    runs.push_back(spawn_cli(with_credentials(), env()));
  std::vector<cli_run> results;
  for (auto& r : runs)
    results.push_back(wait_cli(std::move(r)));
  for (const cli_run& r : results) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(token_of(r), token_of(results.front()));
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.max_concurrent_requests(), 1u);
}

TEST_F(cache_fixture, AHeldLockIsWaitedForWithinTimeout) {
  // Another run (here: this test) holds the entry's lock and never stores a token.
  file_token_store store(cache_dir);
  token_store_key key;
  key.endpoint_url = server.credentials().token_endpoint_url;
  key.access_key_id = server.credentials().access_key_id;
  boost::system::error_code ec;
  auto lock = store.lock(key, std::chrono::seconds(1), ec);
  ASSERT_TRUE(lock) << ec.message();
  const cli_run waited = run({"--timeout", "1"});
  EXPECT_EQ(waited.exit_code, 5);
  expect_one_error_line(waited,
                        {"timed out after 1 s waiting for another here-token run to fetch the "
                         "token (token cache in " +
                         cache_dir.string() + ")"},
                        secret());
  EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace

#endif  // HERE_TOKEN_CLI_PATH

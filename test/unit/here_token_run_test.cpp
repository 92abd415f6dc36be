// SPDX-License-Identifier: Apache-2.0
// here-token's run (tools/here-token/run.*) on the paths that need no network: credentials that
// cannot be loaded, options the SDK refuses, warnings, the --verbose preamble, and the provider
// options it derives. The runs that reach a token endpoint are in
// test/integration/here_token_cli_test.cpp. Compiled only when the tools are built.
#if __has_include("here-token/run.hpp")

#include "here-token/run.hpp"

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scoped_env.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace here::oauth;
using namespace here::oauth::cli;
using here::oauth::test_support::temp_dir;
using namespace std::chrono_literals;

constexpr std::string_view secret = "run-test-secret-value";

/// A credentials file for an endpoint nobody is asked (the runs below fail before any request).
fs::path write_credentials(const temp_dir& dir, std::string_view url,
                           fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
  const fs::path file = dir.write("credentials.properties",
                                  "here.access.key.id = run-test-key-id\n"
                                  "here.access.key.secret = " +
                                      std::string(secret) +
                                      "\n"
                                      "here.token.endpoint.url = " +
                                      std::string(url) + "\n");
  fs::permissions(file, mode, fs::perm_options::replace);
  return file;
}

struct run_output {
  exit_code code = exit_code::internal;
  std::string out;
  std::vector<std::string> err_lines;
  std::string err;
};

run_output run_with(const options& args) {
  // A token cache of its own, never the one of whoever runs the tests.
  const temp_dir cache;
  test_support::scoped_env env;
  env.set("HERE_TOKEN_CACHE_DIR", (cache.path() / "here-oauth").string());
  std::ostringstream out;
  std::ostringstream err;
  diagnostics diag(err);
  run_output r;
  r.code = run(args, out, diag);
  r.out = out.str();
  r.err = err.str();
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    r.err_lines.push_back(line);
  return r;
}

TEST(HereTokenRun, MissingCredentialsFileExitsThreeWithOneLine) {
  temp_dir dir;
  options args;
  args.credentials_file = (dir.path() / "absent.properties").string();
  const run_output r = run_with(args);
  EXPECT_EQ(r.code, exit_code::credentials);
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.err_lines.size(), 1U) << r.err;
  EXPECT_TRUE(r.err_lines[0].starts_with("here-token: ")) << r.err;
  EXPECT_NE(r.err.find(args.credentials_file), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("[here.oauth:"), std::string::npos) << r.err;
}

TEST(HereTokenRun, PlainHttpEndpointExitsThree) {
  temp_dir dir;
  options args;
  args.credentials_file = write_credentials(dir, "http://127.0.0.1:9/oauth2/token").string();
  const run_output r = run_with(args);
  EXPECT_EQ(r.code, exit_code::credentials) << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.err_lines.size(), 1U) << r.err;
  EXPECT_NE(r.err.find("http://"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
}

TEST(HereTokenRun, UnreadableCaFileExitsTwoInTheCliTerms) {
  temp_dir dir;
  options args;
  args.credentials_file = write_credentials(dir, "https://127.0.0.1:9/oauth2/token").string();
  args.ca_file = (dir.path() / "absent-ca.pem").string();
  const run_output r = run_with(args);
  EXPECT_EQ(r.code, exit_code::usage) << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(r.err_lines.size(), 1U) << r.err;
  EXPECT_NE(r.err.find("--ca-file '" + args.ca_file + "' cannot be read"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("request_options::"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
}

TEST(HereTokenRun, WarningsAndTheVerbosePreambleComeBeforeTheError) {
  temp_dir dir;
  options args;
  args.credentials_file = write_credentials(dir, "https://127.0.0.1:9/oauth2/token",
                                            fs::perms::owner_read | fs::perms::owner_write |
                                                fs::perms::group_read | fs::perms::others_read)
                              .string();
  args.ca_file = (dir.path() / "absent-ca.pem").string();
  args.verbose = true;
  const run_output r = run_with(args);
  EXPECT_EQ(r.code, exit_code::usage) << r.err;
  ASSERT_EQ(r.err_lines.size(), 4U) << r.err;
  EXPECT_TRUE(r.err_lines[0].starts_with("here-token: warning: ")) << r.err;
  EXPECT_NE(r.err_lines[0].find("chmod 600"), std::string::npos) << r.err;
  EXPECT_EQ(r.err_lines[1],
            "here-token: credentials from " + args.credentials_file + " (key id run-test-key-id)");
  EXPECT_EQ(r.err_lines[2],
            "here-token: endpoint https://127.0.0.1:9/oauth2/token, no scope, "
            "extra CA file " +
                args.ca_file + ", deadline 30 s");
  EXPECT_NE(r.err_lines[3].find("--ca-file"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
}

TEST(HereTokenRun, ProviderOptionsFollowTheArguments) {
  options args;
  provider_options p = provider_options_for(args);
  EXPECT_EQ(p.scope, "");
  EXPECT_FALSE(p.requested_lifetime);
  EXPECT_EQ(p.ca_file, "");
  // Each request gets at most 10 s of the 30 s deadline, so a retry fits into it.
  EXPECT_EQ(p.request_timeout, default_request_timeout);

  args.scope = "hrn:here:authorization::o:project/p";
  args.expires_in = 900s;
  args.ca_file = "/etc/ca.pem";
  args.timeout = 3s;
  p = provider_options_for(args);
  EXPECT_EQ(p.scope, args.scope);
  EXPECT_EQ(p.requested_lifetime, std::optional<std::chrono::seconds>(900s));
  EXPECT_EQ(p.ca_file, "/etc/ca.pem");
  EXPECT_EQ(p.request_timeout, 3s);
}

}  // namespace

#endif  // __has_include("here-token/run.hpp")

// SPDX-License-Identifier: Apache-2.0
// Secret hygiene of the here-token binary (issue 7): every failure kind of the token endpoint,
// through the real binary with --verbose, shows neither the secret nor a whole token.
// HERE_TOKEN_CLI_PATH is set by test/CMakeLists.txt when the tools are built.
#ifdef HERE_TOKEN_CLI_PATH

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/percent_encoding.hpp"

#include "here_token_cli_runner.hpp"
#include "local_token_server.hpp"

#include "temp_dir.hpp"

namespace {

using namespace here_token_cli_test;
using here::oauth::test_support::fault;
using here::oauth::test_support::local_token_server;
using here::oauth::test_support::scripted_reply;
using here::oauth::test_support::server_options;
using here::oauth::test_support::temp_dir;

// Secret hygiene of the CLI (issue 7): every kind of failure the token endpoint can produce, run
// through the real binary with --verbose (the most it ever prints). Neither stdout nor stderr may
// hold the secret (raw or percent-encoded) or a whole token the server issued; the one success
// (a clock skew corrected on the way) prints its token on stdout only.
TEST(SecretHygieneCli, EveryFailureKindShowsNeitherTheSecretNorAWholeToken) {
  struct cli_case {
    std::string name;
    scripted_reply reply;
    int exit_code;
    std::string timeout = "5";
    std::chrono::seconds clock_shift{0};
    bool echo_token = false;  // the reply's body quotes a token the server issued
  };
  using here::oauth::test_support::fault_reply;
  using here::oauth::test_support::rate_limited_reply;
  using here::oauth::test_support::status_reply;
  const std::vector<cli_case> cases = {
      {"500", status_reply(500), 5},
      {"503", status_reply(503), 5},
      {"502 html", status_reply(502, "<html><body>Bad gateway</body></html>"), 5},
      {"429", rate_limited_reply(std::chrono::seconds(0)), 5},
      {"malformed json", fault_reply(fault::malformed_json), 5},
      {"non-json body", fault_reply(fault::non_json_body), 5},
      {"missing fields", fault_reply(fault::missing_fields), 5},
      {"oversized body", fault_reply(fault::oversized_body), 5},
      {"close before response", fault_reply(fault::close_before_response), 5},
      {"close mid response", fault_reply(fault::close_mid_response), 5},
      {"hang", fault_reply(fault::hang), 5, "1"},
      {"400 echoing a token", status_reply(400), 4, "5", std::chrono::seconds(0), true},
      {"401", status_reply(401), 4},
      {"403", status_reply(403), 4},
      {"redirect", fault_reply(fault::redirect), 4},
      {"clock skew of an hour, corrected", fault_reply(fault::none), 0, "5", std::chrono::hours(1)},
  };

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    server_options so;
    so.token_size = 64;  // short enough for a quoted body to hold a whole one
    so.clock_shift = c.clock_shift;
    local_token_server server(so);
    temp_dir dir;
    const fs::path file = dir.path() / "credentials.properties";
    server.write_credentials_file(file);
    const std::vector<std::string> args{"--verbose", "--credentials",           file.string(),
                                        "--ca-file", server.ca_file().string(), "--timeout",
                                        c.timeout};

    // A good answer first, so there is a token to look for.
    const cli_run first = run_cli(args);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    scripted_reply reply = c.reply;
    if (c.echo_token) {
      reply.body = R"({"access_token":")" + server.issued_tokens().front() +
                   R"(","token_type":"bearer","expires_in":3600})";
    }
    for (int i = 0; i < 4; ++i)  // every attempt the CLI makes (retry.max_attempts)
      server.push(reply);
    const cli_run run = run_cli(args);
    EXPECT_EQ(run.exit_code, c.exit_code) << run.err;

    const std::string secret(server.credentials().access_key_secret.reveal());
    std::vector<std::string> forbidden{secret, here::oauth::detail::percent_encode(secret)};
    const auto tokens = server.issued_tokens();
    forbidden.insert(forbidden.end(), tokens.begin(), tokens.end());
    for (const auto& text : forbidden) {
      EXPECT_EQ(first.err.find(text), std::string::npos) << first.err;
      EXPECT_EQ(run.err.find(text), std::string::npos) << run.err;
    }
    if (run.exit_code == 0) {
      ASSERT_FALSE(tokens.empty());
      EXPECT_EQ(run.out, tokens.back() + "\n");
    } else {
      EXPECT_EQ(run.out, "");
      const auto lines = run.err_lines();
      ASSERT_FALSE(lines.empty());
      EXPECT_TRUE(lines.back().starts_with("here-token: token request to ")) << lines.back();
    }
  }
}

}  // namespace

#endif  // HERE_TOKEN_CLI_PATH

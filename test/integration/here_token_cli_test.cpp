// SPDX-License-Identifier: Apache-2.0
// The here-token CLI as users run it: the real binary, started as a child process, against the
// local token server on loopback. Checks stdout in every format, the exit codes and the one-line
// stderr of each failure. HERE_TOKEN_CLI_PATH is set by test/CMakeLists.txt when the tools are
// built.
#ifdef HERE_TOKEN_CLI_PATH

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <here/oauth/version.hpp>

#include "here_token_cli_runner.hpp"
#include "local_token_server.hpp"

namespace {

using namespace here_token_cli_test;
using here::oauth::test_support::fault;
using here::oauth::test_support::scripted_reply;

TEST_F(cli_fixture, TokenFormatPrintsTheBareToken) {
  const cli_run run = run_cli(with_credentials());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(run.out.ends_with("\n"));
  const std::string token = run.out.substr(0, run.out.size() - 1);
  EXPECT_TRUE(issued(token)) << run.out;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(server.tokens_issued(), 1u);
}

TEST_F(cli_fixture, HeaderFormatPrintsTheAuthorizationLine) {
  const cli_run run = run_cli(with_credentials({"--format", "header"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(server.issued_tokens().size(), 1u);
  EXPECT_EQ(run.out, "Authorization: Bearer " + server.issued_tokens().front() + "\n");
}

TEST_F(cli_fixture, JsonFormatHasTokenTypeLifetimeExpiryAndScope) {
  const std::string scope = "hrn:here:authorization::org1:project/p1";
  const auto before = std::chrono::system_clock::now();
  const cli_run run =
      run_cli(with_credentials({"--format=json", "--scope", scope, "--expires-in", "1800"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << run.out;
  const boost::json::object json = boost::json::parse(run.out).as_object();
  EXPECT_TRUE(issued(std::string(json.at("access_token").as_string())));
  EXPECT_EQ(json.at("token_type").as_string(), "bearer");
  EXPECT_EQ(json.at("scope").as_string(), scope);
  const std::int64_t expires_in = json.at("expires_in").as_int64();
  EXPECT_GE(expires_in, 1700);  // the server grants what was asked (1800 s) from when it was sent
  EXPECT_LE(expires_in, 1800);
  const std::string expires_at(json.at("expires_at").as_string());
  EXPECT_TRUE(std::regex_match(expires_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << expires_at;
  // The year at least must be this one or the next (the token lives half an hour).
  const auto year = static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(before)}.year());
  EXPECT_TRUE(expires_at.starts_with(std::to_string(year)) ||
              expires_at.starts_with(std::to_string(year + 1)))
      << expires_at;
  // The request carried the scope and the lifetime.
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.find("expires_in=1800"), std::string::npos) << requests[0].body;
  EXPECT_NE(requests[0].body.find("scope=hrn%3Ahere%3Aauthorization%3A%3Aorg1%3Aproject%2Fp1"),
            std::string::npos)
      << requests[0].body;
}

TEST_F(cli_fixture, JsonScopeIsNullWithoutScope) {
  const cli_run run = run_cli(with_credentials({"--format", "json"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(boost::json::parse(run.out).as_object().at("scope").is_null()) << run.out;
}

TEST_F(cli_fixture, DefaultChainReadsTheEnvironment) {
  const cli_run run = run_cli({"--ca-file", ca}, {{"HERE_ACCESS_KEY_ID", "test-access-key-id"},
                                                  {"HERE_ACCESS_KEY_SECRET", secret()},
                                                  {"HERE_TOKEN_ENDPOINT_URL", server.url()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(issued(run.out.substr(0, run.out.size() - 1)));
}

TEST_F(cli_fixture, DefaultChainReadsHereCredentialsFile) {
  const cli_run run =
      run_cli({"--ca-file", ca}, {{"HERE_CREDENTIALS_FILE", credentials_file.string()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(server.tokens_issued(), 1u);
}

TEST_F(cli_fixture, VerboseLogsThePhasesButNeverTheSecretOrTheToken) {
  const cli_run run = run_cli(with_credentials({"--verbose"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string token = run.out.substr(0, run.out.size() - 1);
  ASSERT_TRUE(issued(token));
  const std::vector<std::string> expected = {
      "credentials from " + credentials_file.string(),
      "key id test-access-key-id",
      "endpoint " + server.url(),
      "request started",
      "request succeeded in ",
      token.substr(0, 8) + "...(" + std::to_string(token.size()) + " chars)",
  };
  for (const std::string& text : expected)
    EXPECT_NE(run.err.find(text), std::string::npos) << "'" << text << "' missing:\n" << run.err;
  EXPECT_EQ(run.err.find(secret()), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(token), std::string::npos) << "the whole token leaked:\n" << run.err;
  for (const auto& line : run.err_lines())
    EXPECT_TRUE(line.starts_with("here-token: ")) << line;
}

TEST_F(cli_fixture, CredentialsFileReadableByOthersIsAWarningNotAnError) {
  fs::permissions(credentials_file, fs::perms::owner_read | fs::perms::owner_write |
                                        fs::perms::group_read | fs::perms::others_read);
  const cli_run run = run_cli(with_credentials({"--verbose"}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(issued(run.out.substr(0, run.out.size() - 1)));
  const auto lines = run.err_lines();
  const auto warnings = std::count_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.starts_with("here-token: warning: ");
  });
  EXPECT_EQ(warnings, 1) << "one warning, printed once even with --verbose:\n" << run.err;
  EXPECT_NE(run.err.find("readable by group or others"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("chmod 600"), std::string::npos) << run.err;
}

TEST_F(cli_fixture, WrongSecretExitsFourWithHereErrorCode) {
  const fs::path wrong = dir.path() / "wrong.properties";
  const std::string wrong_secret = "this-is-the-wrong-secret-1234";
  {
    std::ofstream out(wrong);
    out << "here.access.key.id = test-access-key-id\n"
        << "here.access.key.secret = " << wrong_secret << "\n"
        << "here.token.endpoint.url = " << server.url() << "\n";
  }
  fs::permissions(wrong, fs::perms::owner_read | fs::perms::owner_write);  // no warning line
  const cli_run run = run_cli({"--credentials", wrong.string(), "--ca-file", ca});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  expect_one_error_line(run, {"refused", "401300", "HTTP 401", "errorId ERROR-", server.url()},
                        wrong_secret);
  EXPECT_EQ(server.request_count(), 1u) << "a refused key is not retried";
}

TEST_F(cli_fixture, UnreachableEndpointExitsFive) {
  // A socket bound but not listening: the port is ours and every connection is refused.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket reserved(io);
  reserved.open(boost::asio::ip::tcp::v4());
  reserved.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url =
      "https://127.0.0.1:" + std::to_string(reserved.local_endpoint().port()) + "/oauth2/token";
  const cli_run run =
      run_cli({"--ca-file", ca, "--timeout", "20"}, {{"HERE_ACCESS_KEY_ID", "test-access-key-id"},
                                                     {"HERE_ACCESS_KEY_SECRET", secret()},
                                                     {"HERE_TOKEN_ENDPOINT_URL", url}});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  expect_one_error_line(run, {"failed", url, "Connection refused"}, secret());
}

TEST_F(cli_fixture, HangingEndpointTimesOutAtTheDeadline) {
  for (int i = 0; i < 10; ++i) {
    scripted_reply hang;
    hang.what = fault::hang;
    server.push(hang);
  }
  const auto started = std::chrono::steady_clock::now();
  const cli_run run = run_cli(with_credentials({"--timeout", "1"}));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(run.exit_code, 5) << run.err;
  expect_one_error_line(run, {"timed out"}, secret());
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_F(cli_fixture, UntrustedCertificateExitsFive) {
  const cli_run run = run_cli({"--credentials", credentials_file.string()});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  expect_one_error_line(run, {"certificate verify failed"}, secret());
  EXPECT_EQ(server.tokens_issued(), 0u);
}

TEST(here_token_cli, NoCredentialsExitsThree) {
  const cli_run run = run_cli({});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  expect_one_error_line(run, {"no HERE credentials found", "HERE_CREDENTIALS_FILE (not set)"});
  EXPECT_EQ(run.err.find("[here.oauth:"), std::string::npos) << run.err;
}

TEST(here_token_cli, MissingCredentialsFileExitsThree) {
  const cli_run run = run_cli({"--credentials", "/nonexistent/credentials.properties"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  expect_one_error_line(run, {"/nonexistent/credentials.properties"});
}

TEST(here_token_cli, InvalidArgumentsExitTwo) {
  struct bad_case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<bad_case> cases = {
      {{"--format", "yaml"}, "--format must be token, header or json"},
      {{"--no-such-option"}, "unknown option '--no-such-option'"},
      {{"--timeout"}, "--timeout needs a value"},
      {{"--timeout", "soon"}, "whole number of seconds"},
      {{"print-access-token"}, "unexpected argument"},
  };
  for (const auto& c : cases) {
    const cli_run run = run_cli(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.expected << "\n" << run.err;
    expect_one_error_line(run, {c.expected});
  }
}

TEST(here_token_cli, UnreadableCaFileExitsTwo) {
  const cli_run run = run_cli({"--ca-file", "/nonexistent/ca.pem"},
                              {{"HERE_ACCESS_KEY_ID", "id"},
                               {"HERE_ACCESS_KEY_SECRET", "secret-value"},
                               {"HERE_TOKEN_ENDPOINT_URL", "https://127.0.0.1:9/oauth2/token"}});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  expect_one_error_line(run, {"--ca-file '/nonexistent/ca.pem' cannot be read"}, "secret-value");
}

TEST(here_token_cli, HelpPrintsUsageAndExitsZero) {
  const cli_run run = run_cli({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out.starts_with("usage: here-token")) << run.out;
  for (const char* option : {"--credentials", "--scope", "--expires-in", "--ca-file", "--timeout",
                             "--format", "--verbose", "--version"}) {
    EXPECT_NE(run.out.find(option), std::string::npos) << option;
  }
  EXPECT_EQ(run.err, "");
}

TEST(here_token_cli, VersionPrintsOneLine) {
  const cli_run run = run_cli({"--version"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out,
            std::string("here-token ") + HERE_OAUTH_VERSION_STRING + " (here-oauth-cpp)\n");
  EXPECT_EQ(run.err, "");
}

}  // namespace

#endif  // HERE_TOKEN_CLI_PATH

// The here-token CLI as users run it: the real binary, started as a child process, against the
// local token server on loopback. Checks stdout in every format, the exit codes and the one-line
// stderr of each failure. HERE_TOKEN_CLI_PATH is set by test/CMakeLists.txt when the tools are
// built.
#ifdef HERE_TOKEN_CLI_PATH

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <here/oauth/version.hpp>
#include "common/percent_encoding.hpp"

#include "local_token_server.hpp"

#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using here::oauth::test_support::fault;
using here::oauth::test_support::local_token_server;
using here::oauth::test_support::scripted_reply;
using here::oauth::test_support::server_options;
using here::oauth::test_support::temp_dir;

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct cli_run {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
    return lines;
  }
};

/// Runs here-token with args in a controlled environment: only PATH, HOME (an empty directory,
/// so no ~/.here/credentials.properties is found) and env. No HERE_* or proxy variable of the
/// test's own environment leaks in.
cli_run run_cli(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) {
  temp_dir io_dir;
  const fs::path out_file = io_dir.path() / "stdout";
  const fs::path err_file = io_dir.path() / "stderr";
  const fs::path home = io_dir.path() / "home";
  fs::create_directory(home);

  std::vector<std::string> argv_strings{HERE_TOKEN_CLI_PATH};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings{"PATH=/usr/bin:/bin", "HOME=" + home.string()};
  for (const auto& [name, value] : env)
    env_strings.push_back(name + "=" + value);
  std::vector<char*> argv;
  for (auto& s : argv_strings)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(spawned)
                  << " (build the here-token target)";
    return {};
  }

  // Every run ends by itself (the CLI has its own deadline); this guard only keeps a broken
  // binary from hanging the suite.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid)
      break;
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "here-token did not finish within 60 s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cli_run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_file(out_file);
  run.err = read_file(err_file);
  return run;
}

/// A token server and a credentials file for it.
struct cli_fixture : ::testing::Test {
  local_token_server server;
  temp_dir dir;
  fs::path credentials_file = dir.path() / "credentials.properties";
  std::string ca = server.ca_file().string();

  cli_fixture() { server.write_credentials_file(credentials_file); }

  std::vector<std::string> with_credentials(std::vector<std::string> more = {}) const {
    std::vector<std::string> args{"--credentials", credentials_file.string(), "--ca-file", ca};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  std::string secret() const {
    return std::string(server.credentials().access_key_secret.reveal());
  }

  bool issued(const std::string& token) const {
    const auto tokens = server.issued_tokens();
    return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
  }
};

/// One line on stderr that mentions every expected text and not the secret (when there is one).
void expect_one_error_line(const cli_run& run, const std::vector<std::string>& expected,
                           const std::string& secret = {}) {
  const auto lines = run.err_lines();
  ASSERT_EQ(lines.size(), 1u) << "stderr:\n" << run.err;
  EXPECT_TRUE(lines[0].starts_with("here-token: ")) << lines[0];
  for (const auto& text : expected)
    EXPECT_NE(lines[0].find(text), std::string::npos) << "'" << text << "' missing: " << lines[0];
  if (!secret.empty()) {
    EXPECT_EQ(run.err.find(secret), std::string::npos) << "the secret leaked: " << run.err;
  }
  EXPECT_EQ(run.out, "") << "nothing goes to stdout on failure";
}

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

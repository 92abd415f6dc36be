// SPDX-License-Identifier: Apache-2.0
// Runs the here-token binary (HERE_TOKEN_CLI_PATH) as a child process in a controlled
// environment and captures its exit code, stdout and stderr; a fixture with a local token server
// and a credentials file for it. Used by here_token_cli_test.cpp and
// here_token_cli_hygiene_test.cpp.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "local_token_server.hpp"

#include "temp_dir.hpp"

namespace here_token_cli_test {

namespace fs = std::filesystem;
using here::oauth::test_support::local_token_server;
using here::oauth::test_support::temp_dir;

inline std::string read_file(const fs::path& file) {
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

/// A here-token process started by spawn_cli, to be waited for with wait_cli.
struct running_cli {
  pid_t pid = -1;  ///< -1: it could not be started (a test failure was added)
  std::unique_ptr<temp_dir> io_dir;
};

/// Starts here-token with args in a controlled environment: only PATH, HOME (an empty directory,
/// so no ~/.here/credentials.properties is found, and its token cache starts empty) and env. No
/// HERE_* or proxy variable of the test's own environment leaks in.
inline running_cli spawn_cli(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {}) {
  running_cli running;
  running.io_dir = std::make_unique<temp_dir>();
  const fs::path out_file = running.io_dir->path() / "stdout";
  const fs::path err_file = running.io_dir->path() / "stderr";
  const fs::path home = running.io_dir->path() / "home";
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
    return running;
  }
  running.pid = pid;
  return running;
}

/// Waits for a here-token started by spawn_cli; its exit code, stdout and stderr.
inline cli_run wait_cli(running_cli running) {
  if (running.pid < 0)
    return {};
  const pid_t pid = running.pid;
  const fs::path out_file = running.io_dir->path() / "stdout";
  const fs::path err_file = running.io_dir->path() / "stderr";
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

/// Runs here-token with args (spawn_cli, then wait_cli).
inline cli_run run_cli(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  return wait_cli(spawn_cli(args, env));
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
inline void expect_one_error_line(const cli_run& run, const std::vector<std::string>& expected,
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

}  // namespace here_token_cli_test

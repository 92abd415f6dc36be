// SPDX-License-Identifier: Apache-2.0
// CI check of examples/invalidate_on_401.cpp: runs the real example binary against the local
// token server and a tiny local HTTPS "HERE API" that answers 401 to the first request and 200
// to a request with a new token the token server issued. Passes when the example exits 0 after
// exactly two API calls with two different tokens and two token requests.
//
//   check_invalidate_example PATH-TO-example_invalidate_on_401
//
// Registered with ctest by examples/CMakeLists.txt (label "examples").

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
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "local_token_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace fs = std::filesystem;
using asio::ip::tcp;
using here::oauth::test_support::local_token_server;

namespace {

/// The fake HERE API: 401 once, then 200 for a token the token server issued that is not the
/// first one presented.
class local_api {
 public:
  explicit local_api(const local_token_server& tokens)
      : tokens_(tokens),
        certificates_(here::oauth::test_support::generate_certificates({"127.0.0.1"})),
        tls_(ssl::context::tls_server),
        acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    tls_.use_certificate_chain(asio::buffer(certificates_.server_cert_pem));
    tls_.use_private_key(asio::buffer(certificates_.server_key_pem), ssl::context::pem);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~local_api() {
    io_.stop();
    thread_.join();
  }

  std::string url() const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           "/v1/resource?id=42";
  }
  const std::string& ca_pem() const { return certificates_.ca_pem; }
  std::vector<std::string> authorizations() const {
    std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    try {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls_);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
      co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, asio::use_awaitable);
      const std::string authorization(request[http::field::authorization]);

      bool first = false;
      {
        std::lock_guard lock(mutex_);
        first = authorizations_.empty();
        authorizations_.push_back(authorization);
      }
      const auto issued = tokens_.issued_tokens();
      const bool known =
          authorization.starts_with("Bearer ") &&
          std::find(issued.begin(), issued.end(), authorization.substr(7)) != issued.end();
      const bool accepted = !first && known && authorization != authorizations().front();

      http::response<http::string_body> response(
          accepted ? http::status::ok : http::status::unauthorized, 11);
      response.set(http::field::content_type, "application/json");
      if (accepted) {
        response.body() = R"({"id":42,"name":"resource"})";
      } else {
        response.set(http::field::www_authenticate, R"(Bearer error="invalid_token")");
        response.body() = R"({"error":"Unauthorized","error_description":"Token is invalid"})";
      }
      response.prepare_payload();
      response.keep_alive(false);
      co_await http::async_write(stream, response, asio::use_awaitable);
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    } catch (const std::exception& e) {
      std::cerr << "local API: " << e.what() << '\n';
    }
  }

  const local_token_server& tokens_;
  here::oauth::test_support::generated_certificates certificates_;
  asio::io_context io_;
  ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> authorizations_;
};

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs program with args and exactly env (plus PATH): stdout and stderr go to files in dir.
run_result run(const std::string& program, std::vector<std::string> args,
               std::vector<std::string> env, const fs::path& dir) {
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  env.push_back("PATH=/usr/bin:/bin");
  std::vector<char*> argv;
  for (auto& s : argv_strings)
    argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& s : env)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  const fs::path out = dir / "stdout";
  const fs::path err = dir / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(spawned));
  // The example ends by itself; this guard only keeps a broken one from hanging CI.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " PATH-TO-example_invalidate_on_401\n";
    return 2;
  }
  std::string dir_pattern = (fs::temp_directory_path() / "here-oauth-example-XXXXXX").string();
  if (::mkdtemp(dir_pattern.data()) == nullptr) {
    std::cerr << "mkdtemp failed\n";
    return 1;
  }
  const fs::path dir = dir_pattern;
  int failures = 0;
  try {
    local_token_server tokens;
    local_api api(tokens);
    const fs::path credentials = dir / "credentials.properties";
    tokens.write_credentials_file(credentials);
    fs::create_directory(dir / "home");
    // The example trusts one CA file for both servers: a bundle of the two CAs.
    const fs::path bundle = dir / "ca-bundle.pem";
    std::ofstream(bundle) << tokens.certificates().ca_pem << api.ca_pem();

    const run_result r = run(
        argv[1], {api.url(), "--ca-file", bundle.string()},
        {"HOME=" + (dir / "home").string(), "HERE_CREDENTIALS_FILE=" + credentials.string()}, dir);
    std::cout << "--- example stdout\n" << r.out << "--- example stderr\n" << r.err << "---\n";

    auto check = [&](bool ok, const std::string& what) {
      std::cout << (ok ? "ok: " : "FAILED: ") << what << '\n';
      failures += ok ? 0 : 1;
    };
    const auto calls = api.authorizations();
    check(r.exit_code == 0, "the example exits 0 (got " + std::to_string(r.exit_code) + ")");
    check(calls.size() == 2, "the API was called twice (got " + std::to_string(calls.size()) + ")");
    check(calls.size() == 2 && calls[0] != calls[1], "the retry used a different token");
    check(tokens.tokens_issued() == 2,
          "two tokens were issued (got " + std::to_string(tokens.tokens_issued()) + ")");
    check(r.out.find("attempt 1: HTTP 401") != std::string::npos &&
              r.out.find("attempt 2: HTTP 200") != std::string::npos,
          "the example reports 401, then 200");
    for (const auto& token : tokens.issued_tokens()) {
      check(r.out.find(token) == std::string::npos && r.err.find(token) == std::string::npos,
            "no whole token in the example's output");
    }
  } catch (const std::exception& e) {
    std::cout << "FAILED: " << e.what() << '\n';
    ++failures;
  }
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  std::cout << (failures == 0 ? "1 passed, 0 failed" : "0 passed, 1 failed") << '\n';
  return failures == 0 ? 0 : 1;
}

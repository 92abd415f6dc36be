// SPDX-License-Identifier: Apache-2.0
// here-token-server: a local HERE-compatible OAuth token endpoint for integration tests.
// Prints its URL on stdout, writes a matching credentials.properties and the CA certificate to
// trust, and serves until SIGINT or SIGTERM.

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "local_token_server.hpp"

namespace {

using here::oauth::test_support::local_token_server;
using here::oauth::test_support::server_options;

constexpr std::string_view usage =
    "usage: here-token-server [options]\n"
    "  --port N               TCP port (default 0: any free port)\n"
    "  --host H               127.0.0.1 (default) or ::1\n"
    "  --lifetime S           token lifetime in seconds (default 3600)\n"
    "  --clock-shift S        the server's clock is the system clock + S seconds (default 0)\n"
    "  --window S             accepted oauth_timestamp distance from the server clock (600)\n"
    "  --token-size N         length of each access token (default 900)\n"
    "  --access-key-id ID     the accepted key id (default test-access-key-id)\n"
    "  --access-key-secret K  its secret (default test/secret+with=reserved&chars~)\n"
    "  --credentials-out FILE write a credentials.properties for this server\n"
    "  --ca-out FILE          write the CA certificate (PEM) clients must trust\n"
    "  --plain-http           serve http:// instead of https://\n"
    "  --threads N            server threads (default 1)\n"
    "Prints the token endpoint URL on stdout, then serves until SIGINT or SIGTERM.\n";

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

[[noreturn]] void bad_usage(const std::string& message) {
  std::cerr << "here-token-server: " << message << "\n\n" << usage;
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  server_options options;
  std::filesystem::path credentials_out;
  std::filesystem::path ca_out;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    }
    if (arg == "--plain-http") {
      options.plain_http = true;
      continue;
    }
    static constexpr std::string_view with_value[] = {"--port",          "--host",
                                                      "--lifetime",      "--clock-shift",
                                                      "--window",        "--token-size",
                                                      "--access-key-id", "--access-key-secret",
                                                      "--threads",       "--credentials-out",
                                                      "--ca-out"};
    if (std::find(std::begin(with_value), std::end(with_value), arg) == std::end(with_value)) {
      bad_usage("unknown option " + std::string(arg));
    }
    if (i + 1 >= argc) {
      bad_usage("missing value after " + std::string(arg));
    }
    const std::string_view value = argv[++i];
    auto number = [&](long long min, long long max) {
      const std::optional<long long> n = parse_integer(value);
      if (!n || *n < min || *n > max) {
        bad_usage("bad value for " + std::string(arg) + ": " + std::string(value));
      }
      return *n;
    };
    if (arg == "--port") {
      options.port = static_cast<unsigned short>(number(0, 65535));
    } else if (arg == "--host") {
      options.host = value;
    } else if (arg == "--lifetime") {
      options.token_lifetime = std::chrono::seconds(number(1, 10LL * 365 * 86400));
    } else if (arg == "--clock-shift") {
      options.clock_shift = std::chrono::seconds(number(-10LL * 365 * 86400, 10LL * 365 * 86400));
    } else if (arg == "--window") {
      options.timestamp_window = std::chrono::seconds(number(0, 365LL * 86400));
    } else if (arg == "--token-size") {
      options.token_size = static_cast<std::size_t>(number(1, 1024 * 1024));
    } else if (arg == "--access-key-id") {
      options.access_key_id = value;
    } else if (arg == "--access-key-secret") {
      options.access_key_secret = value;
    } else if (arg == "--credentials-out") {
      credentials_out = value;
    } else if (arg == "--ca-out") {
      ca_out = value;
    } else if (arg == "--threads") {
      options.threads = static_cast<unsigned>(number(1, 64));
    } else {
      bad_usage("unknown option " + std::string(arg));
    }
  }

  try {
    // The signal set exists before the server's threads, so that no signal is missed.
    boost::asio::io_context io;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    int received = 0;
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (!ec)
        received = signal;
    });

    local_token_server server(options);
    if (!credentials_out.empty())
      server.write_credentials_file(credentials_out);
    if (!ca_out.empty()) {
      std::filesystem::copy_file(server.ca_file(), ca_out,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    std::cerr << "here-token-server: key id " << options.access_key_id << ", CA "
              << (ca_out.empty() ? server.ca_file() : ca_out).string()
              << (credentials_out.empty() ? "" : ", credentials " + credentials_out.string())
              << '\n';
    std::cout << server.url() << std::endl;  // one line, flushed: scripts wait for it

    io.run();
    std::cerr << "here-token-server: signal " << received << ", " << server.request_count()
              << " requests, " << server.tokens_issued() << " tokens issued; stopping\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "here-token-server: " << e.what() << '\n';
    return 1;
  }
}

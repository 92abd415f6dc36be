// SPDX-License-Identifier: Apache-2.0
// A program of a project that uses here-oauth-cpp, built by scripts/check-consumers against the
// installed CMake package, through add_subdirectory, through FetchContent and with pkg-config.
//
// It parses credentials (pure code: the library links), and when HERE_CREDENTIALS_FILE is
// set, fetches a token with a token_provider (TLS and the private dependencies link and work).
//
//   consumer [--ca-file PEM]
#include <iostream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <here/oauth.hpp>

int main(int argc, char** argv) {
  here::oauth::provider_options options;
  if (argc == 3 && std::string(argv[1]) == "--ca-file") {
    options.ca_file = argv[2];
  } else if (argc != 1) {
    std::cerr << "usage: consumer [--ca-file PEM]\n";
    return 2;
  }
  std::cout << "here-oauth-cpp " << here::oauth::version_string << '\n';

  const here::oauth::credentials parsed = here::oauth::parse_credentials(
      "here.access.key.id = key-id\nhere.access.key.secret = se=cret\n", "inline");
  if (parsed.access_key_id != "key-id" || parsed.access_key_secret.reveal() != "se=cret" ||
      parsed.token_endpoint_url != here::oauth::default_token_endpoint) {
    std::cerr << "unexpected credentials\n";
    return 1;
  }
  std::cout << "parsed: " << parsed.access_key_id << " " << parsed.access_key_secret << '\n';

  if (std::getenv("HERE_CREDENTIALS_FILE") == nullptr)
    return 0;
  try {
    boost::asio::io_context io;
    here::oauth::token_provider provider(io.get_executor(), here::oauth::default_credentials(),
                                         options);
    int exit_code = 1;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          const here::oauth::access_token token = co_await provider.token();
          std::cout << "token: " << here::oauth::redact_token(token.value) << '\n';
          exit_code = 0;
        },
        [&](std::exception_ptr failure) {
          if (failure) {
            try {
              std::rethrow_exception(failure);
            } catch (const std::exception& e) {
              std::cerr << "token request failed: " << e.what() << '\n';
            }
          }
          provider.cancel();
          io.stop();
        });
    io.run();
    return exit_code;
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}

// SPDX-License-Identifier: Apache-2.0
// The README's main job: one token_provider shared by many coroutines on a multi-threaded
// io_context. With HERE credentials (environment, HERE_CREDENTIALS_FILE or
// ~/.here/credentials.properties) it asks HERE; without, it starts the bundled local token server
// on loopback with generated credentials and says so. It prints how many requests were made.
//
//   here-oauth-demo [--local] [--credentials FILE] [--coroutines N] [--rounds N]
#include <atomic>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth.hpp>

#include "local_token_server.hpp"

namespace asio = boost::asio;
using namespace here::oauth;

namespace {

struct demo_options {
  bool force_local = false;
  std::string credentials_file;
  int coroutines = 1000;
  int rounds = 3;
};

demo_options parse_arguments(int argc, char** argv) {
  demo_options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--local") {
      o.force_local = true;
    } else if (arg == "--credentials") {
      o.credentials_file = value();
    } else if (arg == "--coroutines") {
      o.coroutines = std::stoi(value());
    } else if (arg == "--rounds") {
      o.rounds = std::stoi(value());
    } else {
      throw std::invalid_argument(
          "unknown argument '" + arg +
          "' (use --local, --credentials FILE, --coroutines N, --rounds N)");
    }
  }
  if (o.coroutines < 1 || o.rounds < 1)
    throw std::invalid_argument("counts must be positive");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const demo_options args = parse_arguments(argc, argv);

    std::unique_ptr<test_support::local_token_server> local_server;
    std::optional<credentials> creds;
    provider_options options;
    if (!args.force_local) {
      try {
        creds = args.credentials_file.empty() ? default_credentials()
                                              : load_credentials(args.credentials_file);
        std::cout << "Using HERE credentials from " << creds->source << " (key id "
                  << creds->access_key_id << ") against " << creds->token_endpoint_url << "\n";
      } catch (const credentials_error& e) {
        if (e.code() != error::credentials_not_found)
          throw;
        std::string searched = e.what();  // without Boost's " [here.oauth:N]" suffix
        if (const auto suffix = searched.rfind(" [here.oauth:"); suffix != std::string::npos)
          searched.erase(suffix);
        std::cout << searched << "\n";
      }
    }
    if (!creds) {
      local_server = std::make_unique<test_support::local_token_server>();
      creds = local_server->credentials();
      options.ca_file = local_server->ca_file();
      std::cout << "No HERE credentials used: started the bundled local token server at "
                << local_server->url() << " with generated credentials and a generated CA.\n";
    }

    asio::thread_pool pool(4);
    token_provider provider(pool.get_executor(), *creds, options);
    std::atomic<int> succeeded{0};
    std::atomic<int> failed{0};
    std::atomic<int> finished{0};
    std::string first_failure;
    std::mutex failure_mutex;
    std::optional<access_token> sample;
    std::promise<void> all_done;
    const int total = args.coroutines;
    for (int i = 0; i < total; ++i) {
      asio::co_spawn(
          pool,
          [&]() -> asio::awaitable<void> {
            for (int round = 0; round < args.rounds; ++round) {
              try {
                access_token token = co_await provider.token();
                if (++succeeded == 1) {
                  std::lock_guard lock(failure_mutex);
                  sample = token;
                }
              } catch (const token_error& e) {
                if (++failed == 1) {
                  std::lock_guard lock(failure_mutex);
                  first_failure = e.what();
                }
              }
            }
            if (++finished == total)
              all_done.set_value();
          },
          asio::detached);
    }
    all_done.get_future().wait();
    provider.cancel();
    pool.join();

    const provider_stats stats = provider.stats();
    std::cout << total << " coroutines on 4 threads called token() " << args.rounds
              << " times each: " << succeeded << " tokens, " << failed << " errors.\n"
              << "HTTP requests made by the shared provider: " << stats.requests
              << " (calls served "
              << "from cache: " << stats.cache_hits
              << ", calls that waited for the request: " << stats.waits << ")\n";
    if (local_server) {
      std::cout << "Requests received by the local token server: " << local_server->request_count()
                << "\n";
    }
    if (sample) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(
          sample->expires_at - std::chrono::system_clock::now());
      std::cout << "Token: " << redact_token(sample->value) << ", type " << sample->token_type
                << ", expires in " << left.count() << " s\n";
    }
    if (failed > 0) {
      std::cerr << "here-oauth-demo: " << first_failure << "\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "here-oauth-demo: " << e.what() << "\n";
    return 1;
  }
}

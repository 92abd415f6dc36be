// SPDX-License-Identifier: Apache-2.0
// What a token_provider costs to construct: CPU time, wall time and resident memory for N
// providers with the same credentials and TLS options and N different scopes (one per project,
// as a multi-tenant service has). No request is made.
//
//   here_oauth_bench_construction N   prints one JSON object
//
// Uses only the public API, so the same program measures older versions of the SDK too.
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <here/oauth.hpp>

namespace {

double seconds_of(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0;
  long long resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::stoi(argv[1]) : 1000;
  boost::asio::io_context io;
  here::oauth::credentials creds;
  creds.access_key_id = "bench-key-id";
  creds.access_key_secret = here::oauth::secret_string("bench-secret");
  creds.token_endpoint_url = "https://account.api.here.com/oauth2/token";

  std::vector<std::unique_ptr<here::oauth::token_provider>> providers;
  providers.reserve(static_cast<std::size_t>(count));
  const long long rss_before = resident_bytes();
  const double cpu_before = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
  const double wall_before = seconds_of(CLOCK_MONOTONIC);
  for (int i = 0; i < count; ++i) {
    here::oauth::provider_options options;
    options.scope = "hrn:here:authorization::org123:project/p" + std::to_string(i);
    providers.push_back(
        std::make_unique<here::oauth::token_provider>(io.get_executor(), creds, options));
  }
  const double wall = seconds_of(CLOCK_MONOTONIC) - wall_before;
  const double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_before;
  const long long rss = resident_bytes() - rss_before;
  std::printf(
      "{\"providers\": %d, \"wall_s\": %.6f, \"cpu_s\": %.6f, \"rss_bytes\": %lld, "
      "\"rss_per_provider\": %.1f, \"cpu_per_provider_us\": %.1f}\n",
      count, wall, cpu, rss, static_cast<double>(rss) / count, cpu * 1e6 / count);
  return 0;
}

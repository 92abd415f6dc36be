// SPDX-License-Identifier: Apache-2.0
// Signing: µs per Authorization header from here::oauth::detail::request_signer::sign, for an
// endpoint parsed once as the SDK signs (parse_endpoint, when a token client is built). bench/run
// times the same inputs signed by python3-oauthlib (bench/oauthlib_sign.py) in the same run.
//
//   sign_bench --print-case   prints the inputs and our signature as JSON (for oauthlib_sign.py)
//   sign_bench [benchmark flags]
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>

#include <benchmark/benchmark.h>

#include "signing/signer.hpp"

namespace {

using here::oauth::secret_string;
using here::oauth::detail::parameter_list;
using here::oauth::detail::request_signer;

// Shaped like HERE's: a 20-character key id and an 86-character base64url secret.
constexpr const char* key_id = "FTpnZ4vGw8sXn1Yq2dHk";
constexpr const char* key_secret =
    "qrn4rkf_Fgv7d2Lyb-Q3WzKcT8mVx1pN6sHjE0uYiBoAaDgCeRtM5lZ9wI7nP2kJ4vS-hX3fQ8yU1bL6cG_rOdW";
constexpr const char* url = "https://account.api.here.com/oauth2/token";
constexpr const char* nonce = "kllo9940pd9333jh0c7XEIwfNObunpuk";
constexpr std::int64_t timestamp = 1700000000;

const here::oauth::detail::endpoint& target() {
  static const here::oauth::detail::endpoint ep = here::oauth::detail::signing_endpoint(url);
  return ep;
}

const parameter_list& body() {
  static const parameter_list b{{"grant_type", "client_credentials"}};
  return b;
}

request_signer fixed_signer() {
  return request_signer(
      key_id, secret_string(std::string_view(key_secret)),
      [] { return std::chrono::system_clock::time_point(std::chrono::seconds(timestamp)); },
      [] { return std::string(nonce); });
}

// Nonce and timestamp fixed: the same inputs oauthlib signs.
void sign_fixed_inputs(benchmark::State& state) {
  const request_signer signer = fixed_signer();
  for (auto _ : state) {
    auto signed_request = signer.sign("POST", target(), body());
    benchmark::DoNotOptimize(signed_request.authorization_header.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// As the provider signs: a fresh 192-bit nonce from OpenSSL's CSPRNG and the system clock.
void sign_fresh_nonce(benchmark::State& state) {
  const request_signer signer(key_id, secret_string(std::string_view(key_secret)));
  for (auto _ : state) {
    auto signed_request = signer.sign("POST", target(), body());
    benchmark::DoNotOptimize(signed_request.authorization_header.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The URL-taking overload, which parses the URL on every call (tests and tools sign this way).
void sign_parsing_the_url(benchmark::State& state) {
  const request_signer signer = fixed_signer();
  for (auto _ : state) {
    auto signed_request = signer.sign("POST", url, body());
    benchmark::DoNotOptimize(signed_request.authorization_header.data());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(sign_fixed_inputs);
BENCHMARK(sign_fresh_nonce);
BENCHMARK(sign_parsing_the_url);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--print-case") == 0) {
    const auto s = fixed_signer().sign("POST", target(), body());
    std::cout << "{\"key\": \"" << key_id << "\", \"secret\": \"" << key_secret << "\", \"url\": \""
              << url << "\", \"body\": \"grant_type=client_credentials\", \"nonce\": \"" << nonce
              << "\", \"timestamp\": \"" << timestamp << "\", \"signature\": \"" << s.signature
              << "\", \"header\": \"" << s.authorization_header.size() << " chars\"}\n";
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

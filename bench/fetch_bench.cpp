// SPDX-License-Identifier: Apache-2.0
// One token fetch end to end over TLS on loopback, against the local token server (900-character
// tokens, P-256 certificate):
// - phases: a plain blocking Beast client of its own (this file) times TCP connect, TLS handshake
//   (with certificate and IP verification, as the SDK does) and the exchange (signed request
//   written, answer read), one fresh connection per fetch, as the SDK makes;
// - sdk_fetch: here::oauth::fetch_token, the whole request as the SDK makes it (a token client is
//   built per call; trust = the server's CA file only, so no system trust store is read);
// - sdk_fetch_system_store: the same with the system trust store loaded too (the default options),
//   which is what a one-shot process such as here-token pays;
// - sdk_provider_refetch: a token_provider's fetch (its token client built once, system trust
//   store included): invalidate() the token, then co_await token() until the new one arrives.
// Each repetition makes `fetches` requests and reports medians in µs.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <here/oauth.hpp>

#include "common.hpp"
#include "local_token_server.hpp"
#include "signing/signer.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using here::oauth::bench::clock;
using here::oauth::bench::ns_between;
using here::oauth::bench::quantile;
using here::oauth::test_support::local_token_server;

constexpr int fetches = 40;

local_token_server& server() {
  static local_token_server s;  // 900-character tokens
  return s;
}

double median_us(std::vector<double>& ns) {
  return quantile(ns, 0.5) / 1e3;
}

void fetch_phases(benchmark::State& state) {
  local_token_server& s = server();
  const auto creds = s.credentials();
  const here::oauth::detail::request_signer signer(creds.access_key_id, creds.access_key_secret);
  const here::oauth::detail::parameter_list body{{"grant_type", "client_credentials"}};
  ssl::context tls(ssl::context::tls_client);
  tls.load_verify_file(s.ca_file().string());
  tls.set_verify_mode(ssl::verify_peer);
  const tcp::endpoint target(asio::ip::make_address("127.0.0.1"), s.port());
  asio::io_context io;

  std::vector<double> connect, handshake, exchange, total;
  for (auto _ : state) {
    for (int i = 0; i < fetches; ++i) {
      const auto t0 = clock::now();
      tcp::socket socket(io);
      socket.connect(target);
      socket.set_option(tcp::no_delay(true));
      const auto t1 = clock::now();
      ssl::stream<tcp::socket&> stream(socket, tls);
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), "127.0.0.1");
      stream.handshake(ssl::stream_base::client);
      const auto t2 = clock::now();
      http::request<http::string_body> request{http::verb::post, "/oauth2/token", 11};
      request.set(http::field::host, "127.0.0.1:" + std::to_string(s.port()));
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.set(http::field::accept, "application/json");
      request.set(http::field::connection, "close");
      request.set(http::field::authorization,
                  signer.sign("POST", creds.token_endpoint_url, body).authorization_header);
      request.body() = "grant_type=client_credentials";
      request.prepare_payload();
      http::write(stream, request);
      beast::flat_buffer buffer;
      http::response<http::string_body> response;
      http::read(stream, buffer, response);
      const auto t3 = clock::now();
      if (response.result() != http::status::ok ||
          response.body().find("access_token") == std::string::npos) {
        state.SkipWithError("the token server did not issue a token");
        return;
      }
      connect.push_back(ns_between(t0, t1));
      handshake.push_back(ns_between(t1, t2));
      exchange.push_back(ns_between(t2, t3));
      total.push_back(ns_between(t0, t3));
      boost::system::error_code ignored;
      socket.close(ignored);  // no TLS close_notify: not part of the fetch
    }
  }
  state.counters["connect_us"] = median_us(connect);
  state.counters["handshake_us"] = median_us(handshake);
  state.counters["exchange_us"] = median_us(exchange);
  state.counters["total_us"] = median_us(total);
}

asio::awaitable<void> sdk_fetches(here::oauth::credentials creds,
                                  here::oauth::request_options options, std::vector<double>& ns) {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < fetches; ++i) {
    const auto t0 = clock::now();
    here::oauth::fetch_result r = co_await here::oauth::fetch_token(ex, creds, options);
    ns.push_back(ns_between(t0, clock::now()));
    benchmark::DoNotOptimize(r.token.value.data());
  }
}

void sdk_fetch_with(benchmark::State& state, bool system_store) {
  local_token_server& s = server();
  here::oauth::request_options options;
  options.ca_file = s.ca_file();
  options.use_system_trust_store = system_store;
  options.use_environment_proxy = false;
  std::vector<double> ns;
  for (auto _ : state) {
    asio::io_context io;
    asio::co_spawn(io, sdk_fetches(s.credentials(), options, ns), here::oauth::bench::rethrow{});
    io.run();
  }
  state.counters["fetch_us"] = median_us(ns);
}

// A provider builds its token client (TLS context, trust anchors) once: each fetch after the first
// is an invalidate() (the token was rejected) and a token() that waits for the new request.
asio::awaitable<void> provider_fetches(here::oauth::token_provider& provider,
                                       std::vector<double>& ns) {
  here::oauth::access_token token = co_await provider.token();
  for (int i = 0; i < fetches; ++i) {
    const auto t0 = clock::now();
    provider.invalidate(token);
    token = co_await provider.token();
    ns.push_back(ns_between(t0, clock::now()));
  }
  provider.cancel();  // stops the refresh timer, so run() returns
}

void sdk_provider_refetch(benchmark::State& state) {
  local_token_server& s = server();
  here::oauth::provider_options options;
  options.ca_file = s.ca_file();
  options.use_environment_proxy = false;
  std::vector<double> ns;
  for (auto _ : state) {
    asio::io_context io;
    here::oauth::token_provider provider(io.get_executor(), s.credentials(), options);
    asio::co_spawn(io, provider_fetches(provider, ns), here::oauth::bench::rethrow{});
    io.run();
  }
  if (ns.size() != static_cast<std::size_t>(fetches))
    state.SkipWithError("not every fetch completed");
  state.counters["fetch_us"] = median_us(ns);
}

void sdk_fetch(benchmark::State& state) {
  sdk_fetch_with(state, false);
}
void sdk_fetch_system_store(benchmark::State& state) {
  sdk_fetch_with(state, true);
}

BENCHMARK(fetch_phases)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(sdk_fetch)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(sdk_fetch_system_store)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(sdk_provider_refetch)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

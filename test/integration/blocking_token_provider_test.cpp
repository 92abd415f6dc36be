// SPDX-License-Identifier: Apache-2.0
// blocking_token_provider end to end: real TLS to the local HERE-compatible token server.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>

#include <here/oauth/blocking_token_provider.hpp>

#include "local_token_server.hpp"
#include "provider_harness.hpp"

namespace here::oauth {
namespace {

using namespace std::chrono_literals;
using test_support::fault;
using test_support::fault_reply;
using test_support::local_token_server;

using test_support::options_for;

// Waits at most 60 s for f; a blocked call ends the test process at once instead of hanging it
// (its threads could not be joined).
template <class T>
T bounded(std::future<T>& f, const char* what) {
  if (f.wait_for(60s) != std::future_status::ready) {
    ADD_FAILURE() << what << " did not return: a deadlock or a hang";
    std::_Exit(1);
  }
  return f.get();
}

TEST(BlockingTokenProvider, EightThreadsTimesFiftyCallsMakeOneRequest) {
  local_token_server server;
  blocking_token_provider provider(server.credentials(), options_for(server));
  constexpr int threads = 8;
  constexpr int calls = 50;
  std::mutex mutex;
  std::vector<std::string> values;
  std::vector<std::future<void>> done;
  for (int t = 0; t < threads; ++t) {
    done.push_back(std::async(std::launch::async, [&] {
      for (int i = 0; i < calls; ++i) {
        access_token token = provider.token();
        std::lock_guard lock(mutex);
        values.push_back(token.value);
      }
    }));
  }
  for (auto& d : done)
    bounded(d, "token()");
  ASSERT_EQ(values.size(), static_cast<std::size_t>(threads * calls));
  for (const auto& v : values)
    EXPECT_EQ(v, values.front());
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(provider.stats().requests, 1u);
  EXPECT_EQ(provider.stats().cache_hits + provider.stats().waits,
            static_cast<std::uint64_t>(threads * calls));
}

TEST(BlockingTokenProvider, AnErrorCarriesTheServersDetails) {
  local_token_server server;
  auto creds = server.credentials();
  creds.access_key_secret = secret_string(std::string_view("Wrong~Secret~Value"));
  blocking_token_provider provider(creds, options_for(server));
  try {
    provider.token();
    FAIL() << "no token_error";
  } catch (const token_error& e) {
    EXPECT_EQ(e.code(), error::signature_rejected);
    EXPECT_EQ(e.details().http_status, 401u);
    EXPECT_EQ(e.details().error_code, "401300");
    EXPECT_FALSE(e.details().error_id.empty());
    EXPECT_NE(std::string(e.what()).find("401300"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("Wrong~Secret"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_FALSE(provider.cached().has_value());
}

TEST(BlockingTokenProvider, TokenOnItsOwnIoThreadThrowsInsteadOfDeadlocking) {
  local_token_server server;
  std::atomic<blocking_token_provider*> self{nullptr};
  std::mutex mutex;
  std::vector<std::string> refused;  // what token() said when called from on_event
  auto options = options_for(server);
  options.on_event = [&](const provider_event& event) {
    if (event.type != provider_event::kind::request_started || self.load() == nullptr)
      return;
    try {
      self.load()->token();  // on the provider's own I/O thread
    } catch (const token_error& e) {
      std::lock_guard lock(mutex);
      EXPECT_EQ(e.code(), error::invalid_option);
      refused.push_back(e.what());
    }
  };
  blocking_token_provider provider(server.credentials(), options);
  self = &provider;
  auto call = std::async(std::launch::async, [&] { return provider.token(); });
  const access_token token = bounded(call, "token()");
  EXPECT_FALSE(token.value.empty());
  std::lock_guard lock(mutex);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("own I/O thread"), std::string::npos) << refused[0];
}

TEST(BlockingTokenProvider, DestructionWhileACallWaitsEndsThatCallWithAnError) {
  local_token_server server;
  server.push(fault_reply(fault::hang));
  auto options = options_for(server);
  options.request_timeout = 60s;  // only the destruction can end the request in time
  auto provider = std::make_unique<blocking_token_provider>(server.credentials(), options);
  auto call = std::async(std::launch::async, [&]() -> boost::system::error_code {
    try {
      provider->token();
    } catch (const token_error& e) {
      return e.code();
    }
    return {};
  });
  // The request starts only for that call: once the server has it, the call is waiting.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (server.request_count() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  ASSERT_EQ(server.request_count(), 1u);
  auto destroyed = std::async(std::launch::async, [&] { provider.reset(); });
  bounded(destroyed, "the destructor");
  EXPECT_EQ(bounded(call, "the waiting token()"), boost::asio::error::operation_aborted);
}

TEST(BlockingTokenProvider, CachedInvalidateAndStats) {
  local_token_server server;
  blocking_token_provider provider(server.credentials(), options_for(server));
  EXPECT_FALSE(provider.cached().has_value());
  const access_token first = provider.token();
  ASSERT_TRUE(provider.cached().has_value());
  EXPECT_EQ(provider.cached()->value, first.value);
  provider.invalidate(first);
  EXPECT_FALSE(provider.cached().has_value());
  const access_token second = provider.token();
  EXPECT_NE(second.value, first.value);
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(provider.stats().requests, 2u);
}

TEST(BlockingTokenProvider, InvalidOptionsThrowFromTheConstructor) {
  local_token_server server;
  auto options = options_for(server);
  options.retry.base_delay = 0ms;
  try {
    blocking_token_provider provider(server.credentials(), options);
    FAIL() << "no token_error";
  } catch (const token_error& e) {
    EXPECT_EQ(e.code(), error::invalid_option);
  }
}

}  // namespace
}  // namespace here::oauth

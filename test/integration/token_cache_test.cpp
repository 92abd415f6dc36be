// token_cache end to end over real TLS: one provider per scope, single flight per scope, the
// clock offset shared between scopes, credentials updated for every scope.
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth/token_cache.hpp>

#include "provider_harness.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test_support::consumer_key;
using test_support::local_token_server;
using test_support::options_for;
using test_support::run_until;
using test_support::sent_scope;
using test_support::server_options;

std::string scope_of(int i) {
  return "hrn:here:authorization::org1:project/p-" + std::to_string(i);
}

TEST(TokenCache, HundredScopesTimesHundredCallersMakeHundredRequests) {
  local_token_server server;
  asio::io_context io;
  token_cache cache(io.get_executor(), server.credentials(), options_for(server));
  constexpr int scopes = 100;
  constexpr int callers = 100;
  int ok = 0;
  int wrong_scope = 0;
  for (int c = 0; c < callers; ++c) {
    for (int s = 0; s < scopes; ++s) {
      asio::co_spawn(
          io,
          [&, s]() -> asio::awaitable<void> {
            const access_token t = co_await cache.token(scope_of(s));
            ++ok;
            wrong_scope += t.scope != scope_of(s);
          },
          asio::detached);
    }
  }
  ASSERT_TRUE(run_until(
      io, [&] { return ok == scopes * callers; }, 60s));
  EXPECT_EQ(wrong_scope, 0);
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(scopes));
  EXPECT_EQ(cache.size(), static_cast<std::size_t>(scopes));
  std::map<std::string, int> per_scope;
  for (const auto& r : server.requests())
    ++per_scope[sent_scope(r)];
  ASSERT_EQ(per_scope.size(), static_cast<std::size_t>(scopes));
  for (int s = 0; s < scopes; ++s)
    EXPECT_EQ(per_scope[scope_of(s)], 1) << scope_of(s);

  // Later calls are cache hits, through any completion token.
  std::optional<access_token> hit;
  cache.async_token(scope_of(7), [&](error_code ec, access_token t) {
    if (!ec)
      hit = std::move(t);
  });
  ASSERT_TRUE(run_until(io, [&] { return hit.has_value(); }));
  EXPECT_EQ(hit->value, cache.cached(scope_of(7))->value);
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(scopes));
  EXPECT_FALSE(cache.cached("never asked for").has_value());
  cache.cancel();
}

TEST(TokenCache, TheClockOffsetLearntForOneScopeSignsTheOthers) {
  server_options so;
  so.clock_shift = 3600s;  // the server is an hour ahead
  local_token_server server(so);
  asio::io_context io;
  token_cache cache(io.get_executor(), server.credentials(), options_for(server));
  std::optional<error_code> first, second;
  cache.async_token("scope-a", [&](error_code ec, access_token) { first = ec; });
  ASSERT_TRUE(run_until(io, [&] { return first.has_value(); }));
  EXPECT_FALSE(*first);
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"401204"});
  cache.async_token("scope-b", [&](error_code ec, access_token) { second = ec; });
  ASSERT_TRUE(run_until(io, [&] { return second.has_value(); }));
  EXPECT_FALSE(*second);
  EXPECT_EQ(server.request_count(), 3u);  // scope-b's first request was signed in time
  EXPECT_EQ(server.rejected_error_codes().size(), 1u);
  cache.cancel();
}

TEST(TokenCache, InvalidateAndUpdateCredentialsReachTheRightProviders) {
  local_token_server server;
  asio::io_context io;
  token_cache cache(io.get_executor(), server.credentials(), options_for(server));
  std::optional<access_token> a, b;
  cache.async_token("a", [&](error_code, access_token t) { a = t; });
  cache.async_token("b", [&](error_code, access_token t) { b = t; });
  ASSERT_TRUE(run_until(io, [&] { return a && b; }));
  server.set_credentials("rotated-id", "rotated-secret");
  cache.update_credentials(server.credentials());
  cache.invalidate(*a);
  EXPECT_FALSE(cache.cached("a").has_value());
  EXPECT_EQ(cache.cached("b")->value, b->value);  // another scope's token is not touched
  std::optional<error_code> again, fresh;
  cache.async_token("a", [&](error_code ec, access_token) { again = ec; });
  cache.async_token("c", [&](error_code ec, access_token) { fresh = ec; });  // made after
  ASSERT_TRUE(run_until(io, [&] { return again && fresh; }));
  EXPECT_FALSE(*again);
  EXPECT_FALSE(*fresh);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(consumer_key(requests[2]), "rotated-id");
  EXPECT_EQ(consumer_key(requests[3]), "rotated-id");
  EXPECT_TRUE(server.rejected_error_codes().empty());
  cache.cancel();
}

TEST(TokenCache, InvalidConfigurationThrowsFromTheConstructor) {
  local_token_server server;
  asio::io_context io;
  auto creds = server.credentials();
  creds.token_endpoint_url = "ftp://nowhere";
  EXPECT_THROW(token_cache(io.get_executor(), creds, options_for(server)), token_error);
  auto options = options_for(server);
  options.max_wait = 0ms;
  EXPECT_THROW(token_cache(io.get_executor(), server.credentials(), options), token_error);
}

}  // namespace
}  // namespace here::oauth

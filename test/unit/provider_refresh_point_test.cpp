// Where a provider refreshes by default: at about half the token's lifetime, less a spread drawn
// once per provider (issue 12: outage cover and fleet spread); an explicit refresh_ahead keeps its
// meaning. On the timeline's pure functions, and on the whole provider with a manual clock.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "manual_clock.hpp"
#include "provider/provider_access.hpp"
#include "provider/timeline.hpp"
#include "scripted_transport.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using detail::timeline_policy;
using test::manual_clock;
using test::scripted_transport;

constexpr detail::steady_time t0 = detail::steady_time{} + 1000h;

TEST(RefreshPoint, ByDefaultHalfTheLifetimeLessASpreadOfUpToATenthOfIt) {
  // The smallest random draw: no spread, half the lifetime.
  auto d = timeline_policy::make(auto_refresh_ahead, 30s, 0.0).deadlines(t0, 24h);
  EXPECT_EQ(d.soft, t0 + 12h);
  EXPECT_EQ(d.hard, t0 + 24h - 30s);
  EXPECT_EQ(d.expiry, t0 + 24h);
  // The largest: a tenth of the half-life earlier.
  d = timeline_policy::make(auto_refresh_ahead, 30s, 1.0).deadlines(t0, 24h);
  EXPECT_EQ(d.soft, t0 + 10h + 48min);
  EXPECT_EQ(d.hard, t0 + 24h - 30s);
  d = timeline_policy::make(auto_refresh_ahead, 30s, 0.5).deadlines(t0, 1h);
  EXPECT_EQ(d.soft, t0 + 30min - 90s);
  // Out-of-range draws are clamped, never beyond the bounds.
  EXPECT_EQ(timeline_policy::make(auto_refresh_ahead, 30s, 7.0).deadlines(t0, 24h).soft,
            t0 + 10h + 48min);
  EXPECT_EQ(timeline_policy::make(auto_refresh_ahead, 30s, -1.0).deadlines(t0, 24h).soft, t0 + 12h);
}

TEST(RefreshPoint, ShortLivedTokensKeepTheirHardPointRule) {
  const auto d = timeline_policy::make(auto_refresh_ahead, 30s, 1.0).deadlines(t0, 60s);
  EXPECT_EQ(d.hard, t0 + 54s);  // a tenth of the lifetime
  EXPECT_EQ(d.soft, t0 + 27s);
  const auto tiny = timeline_policy::make(auto_refresh_ahead, 30s, 0.0).deadlines(t0, 2s);
  EXPECT_LE(tiny.soft, tiny.hard);
}

TEST(RefreshPoint, AnExplicitRefreshAheadKeepsItsMeaning) {
  const auto p = timeline_policy::make(300s, 30s, 0.9);  // the draw is not used
  EXPECT_FALSE(p.half_life);
  EXPECT_EQ(p.deadlines(t0, 24h).soft, t0 + 24h - 300s);
  EXPECT_EQ(p.deadlines(t0, 10min).soft, t0 + 5min);  // at most half
  EXPECT_EQ(timeline_policy::make(0s, 30s, 0.5).deadlines(t0, 1h).soft, t0 + 1h - 30s);
}

TEST(RefreshPoint, TheOptionKeepsItsTypeAndValidation) {
  provider_options o;
  EXPECT_EQ(o.refresh_ahead, auto_refresh_ahead);
  EXPECT_EQ(o.refresh_ahead.count(), -1);
  o.refresh_ahead = std::chrono::seconds(120);  // code that sets it compiles and means the same
  EXPECT_EQ(o.refresh_ahead.count(), 120);
  EXPECT_EQ(o.max_wait, 15s);

  asio::io_context io;
  scripted_transport transport;
  provider_options bad;
  bad.refresh_ahead = -2s;
  EXPECT_THROW(detail::provider_access::make(io.get_executor(), transport.function(), bad),
               token_error);
  bad = {};
  bad.max_wait = 0ms;
  EXPECT_THROW(detail::provider_access::make(io.get_executor(), transport.function(), bad),
               token_error);
}

// The whole provider: a 24 h token is refreshed by the timer at the point its draw gives.
struct DefaultRefreshPoint : ::testing::TestWithParam<std::pair<double, std::chrono::minutes>> {};

TEST_P(DefaultRefreshPoint, ADayLongTokenIsRefreshedWhereTheDrawSays) {
  const auto [draw, soft] = GetParam();
  asio::io_context io;
  auto clock = std::make_shared<manual_clock>();
  scripted_transport transport;
  auto provider = detail::provider_access::make_unique(io.get_executor(), transport.function(), {},
                                                       {clock, [d = draw] { return d; }});
  provider->async_token([](boost::system::error_code, access_token) {});
  test::settle(io);
  transport.finish(0, {}, test::token_sent_at("day", 24h, clock->wall_now()));
  test::settle(io);
  EXPECT_EQ(clock->next_deadline(), manual_clock::start + soft);
  clock->advance(soft - 1s, io);
  EXPECT_EQ(transport.requests(), 1u);
  clock->advance(1s, io);
  EXPECT_EQ(transport.requests(), 2u);  // nobody called: the timer did
  EXPECT_EQ(provider->cached()->value, "day");
  provider->cancel();
  test::settle(io);
}

INSTANTIATE_TEST_SUITE_P(Draws, DefaultRefreshPoint,
                         ::testing::Values(std::pair{0.0, std::chrono::minutes(12 * 60)},
                                           std::pair{0.5, std::chrono::minutes(11 * 60 + 24)},
                                           std::pair{1.0, std::chrono::minutes(10 * 60 + 48)}));

TEST(RefreshPoint, ProvidersDrawTheirSpreadOnceEach) {
  asio::io_context io;
  auto clock = std::make_shared<manual_clock>();
  scripted_transport transport;
  int draws = 0;
  auto provider = detail::provider_access::make_unique(io.get_executor(), transport.function(), {},
                                                       {clock, [&draws] {
                                                          ++draws;
                                                          return 1.0;
                                                        }});
  EXPECT_EQ(draws, 1);  // at construction
  for (int i = 0; i < 3; ++i) {
    provider->async_token([](boost::system::error_code, access_token) {});
    test::settle(io);
    transport.finish(transport.requests() - 1, {},
                     test::token_sent_at("t" + std::to_string(i), 24h, clock->wall_now()));
    test::settle(io);
    // Each token's soft point uses the same draw: 10 h 48 min after its request.
    EXPECT_EQ(clock->next_deadline(), clock->now() + 10h + 48min);
    provider->invalidate(*provider->cached());
    test::settle(io);
  }
  EXPECT_EQ(draws, 1);  // no jitter was needed: nothing failed
  provider->cancel();
  test::settle(io);
}

}  // namespace
}  // namespace here::oauth

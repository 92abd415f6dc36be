// SPDX-License-Identifier: Apache-2.0
// The read path on its own: what a cache hit sees at each point of a snapshot's life, the nudge
// past the soft point, withdrawal, hits counted per thread, and the clock it reads.
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "manual_clock.hpp"
#include "provider/read_path.hpp"

namespace here::oauth::detail {
namespace {

using namespace std::chrono_literals;

struct ReadPath : ::testing::Test {
  boost::asio::io_context io;
  std::shared_ptr<test::manual_clock> clock = std::make_shared<test::manual_clock>();
  read_path reader{provider_clock(clock)};

  // Publishes a token whose soft point is 10 s and hard point 20 s from now.
  void publish(const std::string& value) {
    access_token t;
    t.value = value;
    reader.publish(std::make_shared<token_snapshot>(
        token_snapshot{t, clock->now() + 10s, clock->now() + 20s}));
  }
  const token_snapshot* hit(bool& nudge) {
    nudge = false;
    return reader.hit(nudge);
  }
};

TEST_F(ReadPath, NothingPublishedIsAMiss) {
  bool nudge = false;
  EXPECT_EQ(hit(nudge), nullptr);
  EXPECT_FALSE(nudge);
  EXPECT_FALSE(reader.peek());
  EXPECT_FALSE(reader.has_snapshot());
  EXPECT_EQ(reader.hits(), 0u);
}

TEST_F(ReadPath, BeforeTheSoftPointAHitIsServedAndCounted) {
  publish("t1");
  bool nudge = true;
  const token_snapshot* s = hit(nudge);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->token.value, "t1");
  EXPECT_FALSE(nudge);
  EXPECT_EQ(reader.peek()->value, "t1");  // peek neither counts nor nudges
  EXPECT_EQ(reader.hits(), 1u);
}

TEST_F(ReadPath, PastTheSoftPointHitsAreServedAndOneNudgeIsAskedFor) {
  publish("t1");
  clock->advance(10s, io);
  bool nudge = false;
  ASSERT_NE(hit(nudge), nullptr);
  EXPECT_TRUE(nudge);
  ASSERT_NE(hit(nudge), nullptr);
  EXPECT_FALSE(nudge);  // one is pending
  reader.nudge_done();
  ASSERT_NE(hit(nudge), nullptr);
  EXPECT_TRUE(nudge);
  reader.nudge_done();
  reader.set_refresh_active(true);  // the timer has started the refresh: no nudge needed
  ASSERT_NE(hit(nudge), nullptr);
  EXPECT_FALSE(nudge);
  EXPECT_EQ(reader.hits(), 4u);
}

TEST_F(ReadPath, FromTheHardPointNothingIsServed) {
  publish("t1");
  clock->advance(20s, io);
  bool nudge = false;
  EXPECT_EQ(hit(nudge), nullptr);
  EXPECT_FALSE(nudge);
  EXPECT_FALSE(reader.peek());
  EXPECT_TRUE(reader.has_snapshot());  // published, but not usable
  EXPECT_EQ(reader.hits(), 0u);
}

TEST_F(ReadPath, WithdrawalTakesOnlyTheTokenNamed) {
  publish("t1");
  EXPECT_FALSE(reader.withdraw_if("older"));
  EXPECT_EQ(reader.peek()->value, "t1");
  EXPECT_TRUE(reader.withdraw_if("t1"));
  EXPECT_FALSE(reader.peek());
  EXPECT_FALSE(reader.withdraw_if("t1"));
}

TEST_F(ReadPath, ANewSnapshotIsSeenByTheNextHit) {
  publish("t1");
  bool nudge = false;
  EXPECT_EQ(hit(nudge)->token.value, "t1");
  publish("t2");
  EXPECT_EQ(hit(nudge)->token.value, "t2");
}

TEST_F(ReadPath, HitsOnManyThreadsAreSummed) {
  publish("t1");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this] {
      for (int j = 0; j < 1000; ++j) {
        bool nudge = false;
        ASSERT_NE(reader.hit(nudge), nullptr);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(reader.hits(), 4000u);
}

TEST(ProviderClock, OnlySteadyClockHasTheCoarseShortcut) {
  const provider_clock steady;
  const auto now = std::chrono::steady_clock::now();
  EXPECT_FALSE(steady.surely_before(now));  // within the coarse clock's margin: ask the precise one
#if defined(__linux__)
  EXPECT_TRUE(steady.surely_before(now + 1h));
#endif
  EXPECT_GE(steady.now(), now);

  auto manual = std::make_shared<test::manual_clock>();
  const provider_clock injected(manual);
  EXPECT_FALSE(injected.surely_before(manual->now() + 1h));  // a manual clock is always asked
  EXPECT_EQ(injected.now(), test::manual_clock::start);
  EXPECT_EQ(injected.wall_now(), test::manual_clock::wall_start);
}

}  // namespace
}  // namespace here::oauth::detail

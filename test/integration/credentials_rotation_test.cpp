// Key rotation end to end, over real TLS against the local token server: a key rotated on disk
// (the server refusing the old one) reaches no caller, update_credentials() switches keys, a
// broken rewrite keeps the old key with a warning, and here.token.scope is what the server sees.
#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "provider_harness.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test_support::consumer_key;
using test_support::event_log;
using test_support::local_token_server;
using test_support::options_for;
using test_support::run_until;
using test_support::sent_scope;
using test_support::temp_dir;

struct CredentialsRotation : ::testing::Test {
  local_token_server server;
  temp_dir dir{"rotation"};
  std::filesystem::path file = dir.path() / "credentials.properties";
  asio::io_context io;
  event_log log;
  std::optional<token_provider> provider;

  void make() {
    server.write_credentials_file(file);
    auto o = options_for(server);
    o.on_event = log.callback();
    provider.emplace(io.get_executor(), load_credentials(file), o);
  }
  void TearDown() override {
    if (provider)
      provider->cancel();
  }

  /// One token() call run to its end: the token, or the error it failed with.
  std::pair<error_code, access_token> get() {
    std::optional<std::pair<error_code, access_token>> got;
    provider->async_token([&](error_code ec, access_token t) { got.emplace(ec, std::move(t)); });
    EXPECT_TRUE(run_until(io, [&] { return got.has_value(); }));
    return got.value_or(std::pair<error_code, access_token>{});
  }
};

TEST_F(CredentialsRotation, AKeyRotatedOnDiskReachesNoCaller) {
  make();
  const auto [ec1, t1] = get();
  ASSERT_FALSE(ec1);
  // The operator writes the new key into the file, then revokes the old one.
  server.set_credentials("rotated-key-id", "rotated/secret=");
  server.write_credentials_file(file);
  EXPECT_EQ(provider->cached()->value, t1.value);  // the cached token stays in use
  provider->invalidate(t1);                        // (or its hard point comes)
  const auto [ec2, t2] = get();
  EXPECT_FALSE(ec2) << ec2.message();
  EXPECT_NE(t2.value, t1.value);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(consumer_key(requests[1]), "rotated-key-id");
  EXPECT_TRUE(server.rejected_error_codes().empty());
  EXPECT_EQ(log.count(provider_event::kind::credentials_reloaded), 1u);
}

TEST_F(CredentialsRotation, ARefusalBeforeTheFileIsReadIsRetriedWithTheNewKey) {
  make();
  const auto [ec1, t1] = get();
  ASSERT_FALSE(ec1);
  // The old key is revoked and the file rewritten while a request is in flight: the request is
  // refused (401300), the file re-read, and the retry signed with the new key.
  server.set_credentials("rotated-key-id", "rotated/secret=");
  test_support::scripted_reply slow;
  slow.what = test_support::fault::delay;
  slow.delay = 1s;
  server.push(slow);
  provider->invalidate(t1);
  std::optional<std::pair<error_code, access_token>> got;
  provider->async_token([&](error_code ec, access_token t) { got.emplace(ec, std::move(t)); });
  ASSERT_TRUE(run_until(io, [&] { return server.request_count() == 2; }));
  server.write_credentials_file(file);  // while the old key's request is being refused
  ASSERT_TRUE(run_until(io, [&] { return got.has_value(); }));
  EXPECT_FALSE(got->first) << got->first.message();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(server.rejected_error_codes(), std::vector<std::string>{"401300"});
  EXPECT_EQ(consumer_key(requests[2]), "rotated-key-id");
}

TEST_F(CredentialsRotation, UpdateCredentialsSwitchesKeys) {
  make();
  const auto [ec1, t1] = get();
  ASSERT_FALSE(ec1);
  server.set_credentials("managed-key-id", "managed-secret");
  provider->update_credentials(server.credentials());
  provider->invalidate(t1);
  const auto [ec2, t2] = get();
  EXPECT_FALSE(ec2) << ec2.message();
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(consumer_key(server.requests()[1]), "managed-key-id");
  EXPECT_EQ(log.messages(provider_event::kind::credentials_reloaded),
            std::vector<std::string>{"credentials replaced by update_credentials()"});
}

TEST_F(CredentialsRotation, ABrokenRewriteKeepsTheOldKeyWithAWarning) {
  make();
  const auto [ec1, t1] = get();
  ASSERT_FALSE(ec1);
  std::ofstream(file, std::ios::trunc) << "here.access.key.id = half-written\n";
  provider->invalidate(t1);
  const auto [ec2, t2] = get();
  EXPECT_FALSE(ec2) << ec2.message();
  EXPECT_EQ(consumer_key(server.requests().at(1)), "test-access-key-id");
  const auto warnings = log.messages(provider_event::kind::warning);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("keeping the previous credentials"), std::string::npos);
  EXPECT_NE(warnings[0].find(file.string()), std::string::npos);
  EXPECT_EQ(log.count(provider_event::kind::credentials_reloaded), 0u);
}

TEST_F(CredentialsRotation, TheFilesScopeIsSentWhenTheOptionNamesNone) {
  server.write_credentials_file(file);
  std::ofstream(file, std::ios::app)
      << "here.token.scope = hrn:here:authorization::org1:project/p-1\n";
  provider.emplace(io.get_executor(), load_credentials(file), options_for(server));
  const auto [ec, t] = get();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(t.scope, "hrn:here:authorization::org1:project/p-1");
  EXPECT_EQ(sent_scope(server.requests().at(0)), "hrn:here:authorization::org1:project/p-1");

  // The option wins.
  auto o = options_for(server);
  o.scope = "hrn:here:authorization::org1:project/other";
  provider.emplace(io.get_executor(), load_credentials(file), o);
  const auto [ec2, t2] = get();
  ASSERT_FALSE(ec2);
  EXPECT_EQ(t2.scope, "hrn:here:authorization::org1:project/other");
  EXPECT_EQ(sent_scope(server.requests().at(1)), "hrn:here:authorization::org1:project/other");
}

}  // namespace
}  // namespace here::oauth

// Key rotation seen by the provider, over a scripted transport that records which key signed each
// request: a rewritten credentials file is used from the next request on (one stat() when it did
// not change), a refusal re-reads it and retries at once with a new key, a broken rewrite keeps
// the old key with a warning, and update_credentials() replaces the key.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "credentials/load_credentials.hpp"
#include "manual_clock.hpp"
#include "provider/credentials_follower.hpp"
#include "provider/provider_access.hpp"
#include "scripted_transport.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using boost::system::error_code;
using test::manual_clock;
using test::scripted_transport;

std::string file_text(std::string_view id, std::string_view secret) {
  return "here.access.key.id = " + std::string(id) +
         "\nhere.access.key.secret = " + std::string(secret) + "\n";
}

struct outcome {
  bool done = false;
  error_code ec;
  access_token token;
};

struct ProviderRotation : ::testing::Test {
  asio::io_context io;
  std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
  scripted_transport transport;
  test_support::temp_dir dir{"provider-rotation"};
  fs::path file;
  int version = 0;
  int loads = 0;
  std::vector<std::string> signed_with;  // the key id of each request
  std::vector<provider_event> events;
  std::unique_ptr<token_provider> provider;

  // Every version of the file is written "an hour ago", a second apart, so none is racy.
  void write(std::string_view text) {
    dir.write("credentials.properties", text);
    fs::last_write_time(file, fs::file_time_type::clock::now() - 1h + 1s * ++version);
  }

  void SetUp() override {
    file = dir.path() / "credentials.properties";
    write(file_text("old-id", "old-secret"));
    provider_options o;
    o.on_event = [this](const provider_event& e) { events.push_back(e); };
    auto core = detail::provider_access::make_core(io.get_executor(), transport.function(), o,
                                                   {clock, [] { return 0.5; }});
    detail::fetch_factory factory = [this](const credentials& c) -> detail::fetch_function {
      if (c.access_key_id == "unusable")
        throw token_error(make_error_code(error::invalid_endpoint_url), "unusable");
      return [this, id = c.access_key_id](asio::any_io_executor ex, std::chrono::seconds offset,
                                          detail::fetch_handler h) {
        signed_with.push_back(id);
        transport.function()(std::move(ex), offset, std::move(h));
      };
    };
    // Every read is taken as long after the write (racy = false), so a rewrite is read once;
    // the racy re-read of a fresh change is credentials_file_watch_test's.
    auto loader = [this](const fs::path& p, detail::file_observation& seen) {
      ++loads;
      struct not_racy {
        detail::file_observation& seen;
        ~not_racy() { seen.stamp.racy = false; }
      } guard{seen};
      return detail::load_credentials_file(p, seen);
    };
    credentials loaded = load_credentials(file);
    loaded.file_version.racy = false;
    core->follow(std::make_unique<detail::credentials_follower>(loaded, factory, loader));
    provider = detail::provider_access::wrap(core);
  }
  void TearDown() override {
    provider->cancel();
    test::settle(io);
  }

  std::shared_ptr<outcome> call() {
    auto o = std::make_shared<outcome>();
    provider->async_token([o](error_code ec, access_token t) {
      o->done = true;
      o->ec = ec;
      o->token = std::move(t);
    });
    test::settle(io);
    return o;
  }
  void answer(std::size_t i, const std::string& value) {
    transport.finish(i, {}, test::token_sent_at(value, 3600s, clock->wall_now()));
    test::settle(io);
  }
  void refuse(std::size_t i) {
    fetch_result r;
    r.sent_at = clock->wall_now();
    r.details.http_status = 401;
    r.details.error_code = "401300";
    transport.finish(i, make_error_code(error::signature_rejected), std::move(r));
    test::settle(io);
  }
  std::size_t count(provider_event::kind k) const {
    return static_cast<std::size_t>(std::count_if(
        events.begin(), events.end(), [k](const provider_event& e) { return e.type == k; }));
  }
};

TEST_F(ProviderRotation, ARewrittenFileIsUsedFromTheNextRequestOnAndReadOnlyWhenItChanged) {
  auto a = call();
  answer(0, "t1");
  ASSERT_TRUE(a->done);
  EXPECT_EQ(loads, 0);  // unchanged: one stat(), no read
  write(file_text("new-id", "new-secret"));
  auto hit = call();
  EXPECT_EQ(hit->token.value, "t1");  // the cached token stays in use
  EXPECT_EQ(loads, 0);                // a hit looks at no file
  provider->invalidate(hit->token);
  auto b = call();
  answer(1, "t2");
  EXPECT_EQ(b->token.value, "t2");
  EXPECT_EQ(signed_with, (std::vector<std::string>{"old-id", "new-id"}));
  EXPECT_EQ(loads, 1);
  ASSERT_EQ(count(provider_event::kind::credentials_reloaded), 1u);
  const auto reloaded = std::find_if(events.begin(), events.end(), [](const provider_event& e) {
    return e.type == provider_event::kind::credentials_reloaded;
  });
  EXPECT_NE(reloaded->details.message.find(file.string()), std::string::npos);
  EXPECT_EQ(reloaded->details.message.find("new-secret"), std::string::npos);
  EXPECT_EQ(std::next(reloaded)->type, provider_event::kind::request_started);
  clock->advance(3300s, io);  // the timer's refresh: still the new key, no read
  ASSERT_EQ(signed_with.size(), 3u);
  EXPECT_EQ(signed_with[2], "new-id");
  EXPECT_EQ(loads, 1);
}

TEST_F(ProviderRotation, ARefusalRereadsTheFileAndRetriesAtOnceWithTheNewKey) {
  auto a = call();
  // The key was rotated and the old one revoked, but the rewrite kept the file's stamp (a copy
  // preserving times): only the re-read after the refusal can notice.
  const auto stamp = fs::last_write_time(file);
  dir.write("credentials.properties", file_text("new-id", "new-secret"));
  fs::last_write_time(file, stamp);
  refuse(0);
  EXPECT_FALSE(a->done);  // nobody hears of the refusal
  ASSERT_EQ(transport.requests(), 2u);
  answer(1, "t-new");
  ASSERT_TRUE(a->done);
  EXPECT_FALSE(a->ec);
  EXPECT_EQ(a->token.value, "t-new");
  EXPECT_EQ(signed_with, (std::vector<std::string>{"old-id", "new-id"}));
  EXPECT_EQ(count(provider_event::kind::credentials_reloaded), 1u);
  EXPECT_EQ(count(provider_event::kind::request_failed), 1u);
}

TEST_F(ProviderRotation, ARefusalWithAnUnchangedFileIsReportedAfterOneRead) {
  auto a = call();
  refuse(0);
  ASSERT_TRUE(a->done);
  EXPECT_EQ(a->ec, error::signature_rejected);
  EXPECT_EQ(transport.requests(), 1u);
  EXPECT_EQ(loads, 1);
  EXPECT_EQ(count(provider_event::kind::credentials_reloaded), 0u);
}

TEST_F(ProviderRotation, ABrokenRewriteKeepsTheOldKeyWithOneWarning) {
  auto a = call();
  answer(0, "t1");
  write("here.access.key.id = half-writ");  // no secret
  provider->invalidate(a->token);
  auto b = call();
  answer(1, "t2");
  EXPECT_EQ(b->token.value, "t2");
  provider->invalidate(b->token);
  auto c = call();
  answer(2, "t3");
  EXPECT_EQ(signed_with, (std::vector<std::string>{"old-id", "old-id", "old-id"}));
  ASSERT_EQ(count(provider_event::kind::warning), 1u);  // once, not before every request
  EXPECT_EQ(loads, 1);
  const auto warning = std::find_if(events.begin(), events.end(), [](const provider_event& e) {
    return e.type == provider_event::kind::warning;
  });
  EXPECT_NE(warning->details.message.find("keeping the previous credentials"), std::string::npos);
  EXPECT_NE(warning->details.message.find("here.access.key.secret"), std::string::npos);
  // Fixed again: picked up.
  write(file_text("new-id", "new-secret"));
  provider->invalidate(c->token);
  call();
  EXPECT_EQ(signed_with.back(), "new-id");
}

TEST_F(ProviderRotation, UpdateCredentialsIsUsedFromTheNextRequestOn) {
  auto a = call();
  answer(0, "t1");
  credentials managed;
  managed.access_key_id = "managed-id";
  managed.access_key_secret = secret_string(std::string_view("managed-secret"));
  provider->update_credentials(managed);
  test::settle(io);
  EXPECT_EQ(provider->cached()->value, "t1");  // the cached token stays
  EXPECT_EQ(count(provider_event::kind::credentials_reloaded), 1u);
  write(file_text("file-id", "file-secret"));  // no longer followed: the new ones have no file
  provider->invalidate(a->token);
  call();
  EXPECT_EQ(signed_with, (std::vector<std::string>{"old-id", "managed-id"}));
  EXPECT_EQ(loads, 0);

  credentials unusable = managed;
  unusable.access_key_id = "unusable";
  EXPECT_THROW(provider->update_credentials(unusable), token_error);
}

TEST(ProviderRotationScripted, UpdateCredentialsNeedsAProviderBuiltFromCredentials) {
  asio::io_context io;
  scripted_transport transport;
  auto provider = detail::provider_access::make(io.get_executor(), transport.function());
  EXPECT_THROW(provider.update_credentials(credentials{}), token_error);
}

}  // namespace
}  // namespace here::oauth

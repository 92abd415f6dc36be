// SPDX-License-Identifier: Apache-2.0
// Secret hygiene over real sockets: the SDK talks to the local token server (and a CONNECT proxy)
// through every failure it can meet — wrong secret, 401204, 5xx, 429, broken answers, redirects,
// hangs and timeouts, proxy refusals — and every text it produces is kept: exception texts,
// error_details, error_code messages, every field of every provider event, and everything written
// to stderr meanwhile. None may hold the secret (raw or percent-encoded), a proxy password, or any
// whole token the server issued.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <here/oauth/fetch_token.hpp>
#include <here/oauth/token_provider.hpp>
#include "signing/signer.hpp"

#include "connect_proxy.hpp"
#include "local_token_server.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using test_support::connect_proxy;
using test_support::connect_proxy_options;
using test_support::fault;
using test_support::fault_reply;
using test_support::local_token_server;
using test_support::rate_limited_reply;
using test_support::scripted_reply;
using test_support::server_options;
using test_support::status_reply;

// The server's secret (and so the client's, when it is right), and a wrong one.
constexpr std::string_view server_secret = "Int3gr4tion~Secret/with+reserved=chars|end";
constexpr std::string_view wrong_secret = "Wr0ng~Client/Secret+that=the|server&rejects";
constexpr std::string_view proxy_password = "Pr0xyP4ssw0rdN0tToBeShown";

// Every text the SDK produced, with where it came from.
class text_log {
 public:
  void add(std::string where, std::string text) {
    std::lock_guard lock(mutex_);
    texts_.emplace_back(std::move(where), std::move(text));
  }
  void add(const std::string& where, const error_details& d) {
    add(where + " message", d.message);
    add(where + " error_code", d.error_code);
    add(where + " error_id", d.error_id);
    add(where + " to_string", to_string(d));
  }
  void add(const std::string& where, const provider_event& e) {
    add(where + " details", e.details);
    add(where + " error", e.error ? e.error.message() : std::string());
    add(where + " token_preview", e.token_preview);
  }
  std::function<void(const provider_event&)> callback(std::string where) {
    return [this, where](const provider_event& e) {
      add(where, e);
      std::lock_guard lock(mutex_);
      ++events_;
    };
  }
  std::size_t events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return texts_.size();
  }

  // Fails the test for every text holding one of the forbidden strings.
  void expect_none_of(const std::vector<std::string>& forbidden) const {
    std::lock_guard lock(mutex_);
    for (const auto& [where, text] : texts_) {
      for (const auto& f : forbidden) {
        if (!f.empty() && text.find(f) != std::string::npos) {
          ADD_FAILURE() << where << " holds a forbidden text (" << f.size()
                        << " characters, starting '" << f.substr(0, 6) << "'): " << text.size()
                        << " characters";
        }
      }
    }
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> texts_;
  std::size_t events_ = 0;
};

server_options hygiene_server(std::chrono::seconds clock_shift = 0s) {
  server_options so;
  so.access_key_id = "hygiene-key-id";
  so.access_key_secret = std::string(server_secret);
  so.clock_shift = clock_shift;
  so.token_size = 64;  // short enough for a quoted body to hold a whole one
  return so;
}

provider_options options_for(const local_token_server& server) {
  provider_options o;
  o.ca_file = server.ca_file();
  o.use_environment_proxy = false;
  o.request_timeout = 2s;
  o.retry.base_delay = 5ms;
  o.retry.max_delay = 20ms;
  o.retry.max_attempts = 3;
  o.retry.permanent_error_backoff = 0ms;
  return o;
}

// Everything forbidden once the server has issued its tokens.
std::vector<std::string> forbidden(const local_token_server& server) {
  std::vector<std::string> f{std::string(server_secret), percent_encode(server_secret),
                             std::string(wrong_secret), percent_encode(wrong_secret),
                             std::string(proxy_password)};
  for (const auto& t : server.issued_tokens())
    f.push_back(t);
  return f;
}

// One fetch_token (no cache, no retry) with these options; records what it produced.
void fetch_once(asio::io_context& io, const credentials& creds, const request_options& options,
                text_log& log, const std::string& where) {
  std::optional<error_code> got;
  fetch_result result;
  async_fetch_token(io.get_executor(), creds, options, [&](error_code ec, fetch_result r) {
    got = ec;
    result = std::move(r);
  });
  io.restart();
  io.run_for(20s);
  ASSERT_TRUE(got.has_value()) << where << ": no completion";
  log.add(where + " ec", got->message());
  log.add(where, result.details);
  // The awaitable form throws token_error: its what() is a text users see.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          fetch_result r = co_await fetch_token(io.get_executor(), creds, options);
          log.add(where + " token (redacted)", redact_token(r.token.value));
        } catch (const token_error& e) {
          log.add(where + " token_error", e.what());
          log.add(where + " token_error", e.details());
        }
      },
      asio::detached);
  io.restart();
  io.run_for(20s);
}

TEST(SecretHygieneOverSockets, FailedRequestsOfEveryKindShowNoSecretAndNoToken) {
  testing::internal::CaptureStderr();
  local_token_server server(hygiene_server());
  asio::io_context io;
  text_log log;
  credentials creds = server.credentials();
  ASSERT_EQ(creds.access_key_secret.reveal(), server_secret);
  provider_options o = options_for(server);

  // A good answer first, so there are tokens to look for.
  fetch_once(io, creds, o, log, "success");
  ASSERT_EQ(server.issued_tokens().size(), 2u);

  struct scripted_case {
    const char* name;
    scripted_reply reply;
  };
  const std::string token_in_body =
      R"({"access_token":")" + server.issued_tokens().front() + R"(","token_type":"bearer"})";
  const scripted_case cases[] = {
      {"500", status_reply(500)},
      {"503", status_reply(503)},
      {"502 html", status_reply(502, "<html><body>Bad gateway</body></html>")},
      {"400 echoing a token", status_reply(400, token_in_body)},
      {"401300", status_reply(401)},
      {"403", status_reply(403)},
      {"429", rate_limited_reply(0s)},
      {"malformed json", fault_reply(fault::malformed_json)},
      {"non-json body", fault_reply(fault::non_json_body)},
      {"missing fields", fault_reply(fault::missing_fields)},
      {"oversized body", fault_reply(fault::oversized_body)},
      {"close before response", fault_reply(fault::close_before_response)},
      {"close mid response", fault_reply(fault::close_mid_response)},
      {"redirect", fault_reply(fault::redirect)},
  };
  for (const auto& c : cases) {
    server.push(c.reply);
    server.push(c.reply);  // fetch_once asks twice
    fetch_once(io, creds, o, log, c.name);
  }

  // A timeout: the server reads the request and never answers.
  provider_options quick = o;
  quick.request_timeout = 300ms;
  server.push(fault_reply(fault::hang));
  server.push(fault_reply(fault::hang));
  fetch_once(io, creds, quick, log, "timeout");

  // The wrong secret: 401300 from the server's own verifier.
  credentials wrong = creds;
  wrong.access_key_secret = secret_string(wrong_secret);
  fetch_once(io, wrong, o, log, "wrong secret");
  EXPECT_EQ(server.rejected_error_codes().back(), "401300");

  // A plain-http endpoint without the opt-in, and a bad CA file.
  credentials plain = creds;
  plain.token_endpoint_url = "http://127.0.0.1:9/oauth2/token";
  fetch_once(io, plain, o, log, "plain http refused");
  provider_options bad_ca = o;
  bad_ca.ca_file = "/nonexistent/ca.pem";
  fetch_once(io, creds, bad_ca, log, "bad CA file");
  provider_options system_only = o;
  system_only.ca_file.clear();  // the system store does not know the server's CA
  fetch_once(io, creds, system_only, log, "untrusted certificate");
  provider_options no_anchors = system_only;
  no_anchors.use_system_trust_store = false;
  fetch_once(io, creds, no_anchors, log, "no trust anchors");

  const std::string err = testing::internal::GetCapturedStderr();
  log.add("stderr", err);
  EXPECT_GT(log.size(), 100u);
  log.expect_none_of(forbidden(server));
}

TEST(SecretHygieneOverSockets, ProxyRefusalsShowNoSecretAndNoProxyPassword) {
  testing::internal::CaptureStderr();
  local_token_server server(hygiene_server());
  asio::io_context io;
  text_log log;
  const credentials creds = server.credentials();

  connect_proxy_options needs_auth;
  needs_auth.required_authorization = "Basic dXNlcjpyaWdodA==";  // user:right
  connect_proxy auth_proxy(needs_auth);
  provider_options o = options_for(server);
  o.proxy = auth_proxy.url_with("user", proxy_password);  // the wrong password: 407
  fetch_once(io, creds, o, log, "proxy 407");
  EXPECT_GE(auth_proxy.authorizations().size(), 1u);

  connect_proxy_options refuses;
  refuses.refuse_status = 403;
  connect_proxy refusing_proxy(refuses);
  o.proxy = refusing_proxy.url_with("user", proxy_password);
  fetch_once(io, creds, o, log, "proxy 403");

  o.proxy = "http://user:" + std::string(proxy_password) + "@127.0.0.1:1";  // nothing listens
  fetch_once(io, creds, o, log, "proxy unreachable");

  o.proxy = "http://user:" + std::string(proxy_password) + "@[not a host";
  fetch_once(io, creds, o, log, "proxy URL invalid");

  const std::string err = testing::internal::GetCapturedStderr();
  log.add("stderr", err);
  log.expect_none_of(forbidden(server));
}

TEST(SecretHygieneOverSockets, EveryProviderEventIsClean) {
  testing::internal::CaptureStderr();
  // The server's clock is an hour ahead: the first attempt gets 401204, the provider learns the
  // offset from the Date header and succeeds; later refreshes meet every fault there is.
  server_options so = hygiene_server(3600s);
  so.token_lifetime = 2s;
  local_token_server server(so);
  asio::io_context io;
  text_log log;
  provider_options o = options_for(server);
  o.request_timeout = 300ms;
  o.on_event = log.callback("event");
  {
    token_provider provider(io.get_executor(), server.credentials(), o);
    std::size_t tokens = 0;
    std::size_t errors = 0;
    auto ask = [&] {
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            try {
              const access_token t = co_await provider.token();
              ++tokens;
              log.add("token (redacted)", redact_token(t.value));
            } catch (const token_error& e) {
              ++errors;
              log.add("provider token_error", e.what());
              log.add("provider token_error", e.details());
            }
          },
          asio::detached);
    };
    ask();
    io.restart();
    io.run_for(10s);
    ASSERT_EQ(tokens, 1u) << "errors: " << errors;
    EXPECT_EQ(server.rejected_error_codes().front(), "401204");

    // Each fault in turn, met by the proactive refreshes (and by callers once no token is left).
    for (fault f : {fault::hang, fault::close_before_response, fault::close_mid_response,
                    fault::malformed_json, fault::non_json_body, fault::missing_fields,
                    fault::oversized_body, fault::redirect}) {
      server.push(fault_reply(f));
    }
    server.push(status_reply(503));
    server.push(status_reply(500));
    server.push(status_reply(401));
    server.push(rate_limited_reply(0s));
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while ((server.pending_replies() > 0 || server.tokens_issued() < 4) &&
           std::chrono::steady_clock::now() < deadline) {
      ask();
      io.restart();
      io.run_for(100ms);
    }
    EXPECT_EQ(server.pending_replies(), 0u);
    provider.cancel();
    io.restart();
    io.run_for(1s);
  }
  const std::string err = testing::internal::GetCapturedStderr();
  log.add("stderr", err);
  EXPECT_GE(log.events(), 20u);
  log.expect_none_of(forbidden(server));
}

}  // namespace
}  // namespace here::oauth

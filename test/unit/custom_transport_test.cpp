// SPDX-License-Identifier: Apache-2.0
// request_options::transport, the HTTP-level hook, without sockets: scripted transports check the
// request the SDK hands them (the signature verified by the local token server's own verifier,
// test_support::token_endpoint) and answer as HERE does; the SDK parses, classifies, size-checks,
// times out and completes exactly as over HTTPS. Through fetch_token, async_fetch_token and a
// token_provider.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/append.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <here/oauth.hpp>

#include "token_endpoint.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using std::chrono::system_clock;
using test_support::endpoint_request;
using test_support::endpoint_settings;
using test_support::token_endpoint;

constexpr std::string_view key_id = "custom-transport-key";
constexpr std::string_view key_secret = "s3cret+with/reserved=chars&more~";
constexpr std::string_view endpoint_url = "https://account.api.here.com/oauth2/token";

credentials test_credentials(std::string_view secret = key_secret) {
  credentials creds;
  creds.access_key_id = std::string(key_id);
  creds.access_key_secret = secret_string(secret);
  creds.token_endpoint_url = std::string(endpoint_url);
  return creds;
}

std::string path_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  const auto path = url.find('/', scheme_end + 3);
  return path == std::string_view::npos ? "/" : std::string(url.substr(path));
}

/// A HERE-compatible endpoint behind a transport: what arrives is checked by the token server's
/// own verifier (signature, timestamp window, nonce, Content-Type, body), and its answer comes
/// back as the server would send it, with a Date header from `server_now`.
struct here_script {
  token_endpoint endpoint{endpoint_settings{std::string(key_id), std::string(key_secret)}};
  std::function<system_clock::time_point()> server_now = [] { return system_clock::now(); };
  std::vector<http_request> requests;

  http_response answer(const http_request& request) {
    requests.push_back(request);
    const std::string target = path_of(request.url);
    endpoint_request received;
    received.method = request.method;
    received.scheme = "https";
    received.host = request.header("Host");
    received.target = target;
    if (auto a = request.header("Authorization"); !a.empty())
      received.authorization = a;
    if (auto t = request.header("Content-Type"); !t.empty())
      received.content_type = t;
    received.body = request.body;
    const auto now = server_now();
    const auto a = endpoint.handle(received, now);
    http_response response;
    response.status = a.status;
    response.headers = {{"Content-Type", "application/json"},
                        {"Date", test_support::format_http_date(now)}};
    response.body = a.body;
    return response;
  }

  http_transport transport() {
    return [this](asio::any_io_executor ex, http_request request, http_transport_handler handler) {
      asio::post(ex, asio::append(std::move(handler), error_code{}, answer(request)));
    };
  }
};

/// A transport that answers every request with `response` (posted, as a well-behaved transport).
http_transport answering(http_response response, std::atomic<int>* calls = nullptr) {
  return [response, calls](asio::any_io_executor ex, http_request, http_transport_handler handler) {
    if (calls != nullptr)
      ++*calls;
    asio::post(ex, asio::append(std::move(handler), error_code{}, response));
  };
}

http_response here_error(unsigned status, std::string_view code, std::string_view message,
                         http_fields extra_headers = {}) {
  http_response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  for (auto& h : extra_headers)
    r.headers.push_back(std::move(h));
  r.body = test_support::here_error_body(status, code, message);
  return r;
}

struct outcome {
  error_code ec;
  fetch_result result;
  bool completed = false;
};

/// One async_fetch_token with options (whose transport is set) on a fresh io_context.
outcome run_fetch(request_options options, const credentials& creds = test_credentials()) {
  asio::io_context ioc;
  outcome out;
  async_fetch_token(ioc.get_executor(), creds, options, [&out](error_code ec, fetch_result r) {
    out.ec = ec;
    out.result = std::move(r);
    out.completed = true;
  });
  ioc.run();
  return out;
}

// ---- the request the transport is handed -------------------------------------------------------

TEST(CustomTransport, GetsTheSignedRequestAndReturnsAVerifiedToken) {
  here_script here;
  request_options options;
  options.transport = here.transport();
  options.scope = "hrn:here:authorization::org1:project/p1";
  options.user_agent = "custom-test/1.0";
  const auto before = system_clock::now();
  outcome out = run_fetch(options);
  ASSERT_TRUE(out.completed);
  ASSERT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);

  ASSERT_EQ(here.requests.size(), 1u);
  const http_request& request = here.requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, endpoint_url);
  EXPECT_EQ(request.header("Host"), "account.api.here.com");
  EXPECT_EQ(request.header("User-Agent"), "custom-test/1.0");
  EXPECT_EQ(request.header("Accept"), "application/json");
  EXPECT_EQ(request.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_TRUE(request.header("Authorization").starts_with("OAuth oauth_consumer_key=\""));
  EXPECT_EQ(request.header("Content-Length"), std::to_string(request.body.size()));
  EXPECT_EQ(request.body,
            "grant_type=client_credentials&scope=hrn%3Ahere%3Aauthorization%3A%3Aorg1%3Aproject%"
            "2Fp1");
  for (const auto& [name, value] : request.headers)
    EXPECT_EQ(value.find(key_secret), std::string::npos) << name;

  EXPECT_EQ(out.result.token.scope, options.scope);
  EXPECT_EQ(out.result.token.token_type, "bearer");
  EXPECT_FALSE(out.result.token.value.empty());
  EXPECT_EQ(out.result.expires_in, 3600s);
  EXPECT_GE(out.result.sent_at, before);
  EXPECT_EQ(out.result.token.expires_at, out.result.sent_at + out.result.expires_in);
  ASSERT_TRUE(out.result.server_date);
  EXPECT_LE(std::chrono::abs(*out.result.server_date - out.result.sent_at), 2s);
}

TEST(CustomTransport, WrongSecretIsSignatureRejectedWithHereDetails) {
  here_script here;
  request_options options;
  options.transport = here.transport();
  outcome out = run_fetch(options, test_credentials("not-the-secret"));
  EXPECT_EQ(out.ec, error::signature_rejected);
  EXPECT_EQ(classify(out.ec), failure_class::refused);
  EXPECT_EQ(out.result.details.http_status, 401u);
  EXPECT_EQ(out.result.details.error_code, "401300");
  EXPECT_TRUE(out.result.details.error_id.starts_with("ERROR-")) << out.result.details.error_id;
  EXPECT_FALSE(out.result.details.message.empty());
}

TEST(CustomTransport, TimestampRejectionCarriesTheServerDate) {
  // The server's clock is an hour ahead: HERE answers 401204, and its Date is what the provider
  // learns the offset from.
  here_script here;
  const auto skew = 3600s;
  here.server_now = [skew] { return system_clock::now() + skew; };
  request_options options;
  options.transport = here.transport();
  outcome out = run_fetch(options);
  EXPECT_EQ(out.ec, error::timestamp_rejected);
  EXPECT_EQ(classify(out.ec), failure_class::clock_skew);
  EXPECT_EQ(out.result.details.error_code, "401204");
  ASSERT_TRUE(out.result.server_date);
  EXPECT_LE(std::chrono::abs(*out.result.server_date - (out.result.sent_at + skew)), 2s);
}

TEST(CustomTransport, RateLimitedAndServerErrorsAreClassifiedAsOverHttps) {
  request_options options;
  options.transport =
      answering(here_error(429, "429002", "Too many requests", {{"Retry-After", "7"}}));
  outcome out = run_fetch(options);
  EXPECT_EQ(out.ec, error::rate_limited);
  EXPECT_EQ(out.result.details.retry_after, 7s);
  EXPECT_EQ(out.result.details.error_code, "429002");
  EXPECT_EQ(classify(out.ec), failure_class::transient);

  options.transport = answering(here_error(503, "503000", "Service unavailable"));
  out = run_fetch(options);
  EXPECT_EQ(out.ec, error::server_error);
  EXPECT_EQ(out.result.details.http_status, 503u);
  EXPECT_EQ(classify(out.ec), failure_class::transient);

  http_response redirect;
  redirect.status = 302;
  redirect.headers = {{"location", "https://elsewhere.example/oauth2/token"}};
  options.transport = answering(redirect);
  out = run_fetch(options);
  EXPECT_EQ(out.ec, error::redirect_refused);
}

TEST(CustomTransport, OversizedAnswersAreResponseTooLarge) {
  request_options options;
  options.max_response_body_bytes = 1024;
  options.max_response_header_bytes = 1024;
  http_response big_body;
  big_body.status = 200;
  big_body.body = std::string(1025, 'x');
  options.transport = answering(big_body);
  outcome out = run_fetch(options);
  EXPECT_EQ(out.ec, error::response_too_large);
  EXPECT_EQ(out.result.details.message,
            "the response body from account.api.here.com:443 exceeds max_response_body_bytes "
            "(1024)");

  http_response big_header;
  big_header.status = 200;
  big_header.headers = {{"X-Padding", std::string(1020, 'y')}};
  options.transport = answering(big_header);
  out = run_fetch(options);
  EXPECT_EQ(out.ec, error::response_too_large);
  EXPECT_EQ(out.result.details.message,
            "the response header from account.api.here.com:443 exceeds max_response_header_bytes "
            "(1024)");
}

TEST(CustomTransport, TransportErrorsKeepTheirCode) {
  request_options options;
  options.transport = [](asio::any_io_executor ex, http_request, http_transport_handler handler) {
    asio::post(ex,
               asio::append(std::move(handler), asio::error::connection_refused, http_response{}));
  };
  outcome out = run_fetch(options);
  EXPECT_EQ(out.ec, asio::error::connection_refused);
  EXPECT_TRUE(out.result.details.message.starts_with(
      "the custom transport failed for account.api.here.com:443: "))
      << out.result.details.message;

  options.transport = [](asio::any_io_executor, http_request, http_transport_handler) {
    throw std::runtime_error("no route to the sidecar");
  };
  out = run_fetch(options);
  EXPECT_EQ(out.ec, boost::system::errc::io_error);
  EXPECT_EQ(out.result.details.message,
            "the custom transport threw for account.api.here.com:443: no route to the sidecar");
}

// ---- deadlines, cancellation, never inline ----------------------------------------------------

/// A transport that keeps the handler and never completes it, and records the cancellation it
/// receives through the handler's slot.
struct silent_transport {
  std::shared_ptr<std::optional<http_transport_handler>> held =
      std::make_shared<std::optional<http_transport_handler>>();
  std::shared_ptr<std::vector<asio::cancellation_type>> cancellations =
      std::make_shared<std::vector<asio::cancellation_type>>();

  http_transport transport() const {
    return [held = held, seen = cancellations](asio::any_io_executor, http_request,
                                               http_transport_handler handler) {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (slot.is_connected())
        slot.assign([seen](asio::cancellation_type type) { seen->push_back(type); });
      held->emplace(std::move(handler));
    };
  }
};

TEST(CustomTransport, ATransportThatNeverAnswersTimesOutAndIsCancelled) {
  silent_transport silent;
  request_options options;
  options.transport = silent.transport();
  options.request_timeout = 50ms;
  asio::io_context ioc;
  outcome out;
  const auto start = std::chrono::steady_clock::now();
  async_fetch_token(ioc.get_executor(), test_credentials(), options,
                    [&out](error_code ec, fetch_result r) {
                      out.ec = ec;
                      out.result = std::move(r);
                      out.completed = true;
                    });
  ioc.run();  // returns once the deadline has completed the fetch
  ASSERT_TRUE(out.completed);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(out.ec, error::timeout);
  EXPECT_EQ(out.result.details.message,
            "timed out waiting for the custom transport's answer from account.api.here.com:443");
  ASSERT_TRUE(silent.held->has_value());
  EXPECT_EQ(*silent.cancellations, std::vector{asio::cancellation_type::terminal});

  // A late answer is ignored: the caller was completed once.
  std::move (**silent.held)(error_code{}, http_response{});
  ioc.restart();
  ioc.run();
}

TEST(CustomTransport, TheCallersCancellationSlotAbortsAndCancelsTheTransport) {
  silent_transport silent;
  request_options options;
  options.transport = silent.transport();
  asio::io_context ioc;
  asio::cancellation_signal cancel;
  outcome out;
  async_fetch_token(ioc.get_executor(), test_credentials(), options,
                    asio::bind_cancellation_slot(cancel.slot(), [&](error_code ec, fetch_result r) {
                      out.ec = ec;
                      out.result = std::move(r);
                      out.completed = true;
                    }));
  // Run until the transport holds the request, then cancel.
  while (!silent.held->has_value() && ioc.run_one() > 0) {
  }
  ASSERT_TRUE(silent.held->has_value());
  cancel.emit(asio::cancellation_type::terminal);
  ioc.run();
  ASSERT_TRUE(out.completed);
  EXPECT_EQ(out.ec, asio::error::operation_aborted);
  EXPECT_EQ(classify(out.ec), failure_class::cancelled);
  EXPECT_EQ(*silent.cancellations, std::vector{asio::cancellation_type::terminal});
  silent.held->reset();  // the handler holds the request, which holds this transport: no cycle
}

TEST(CustomTransport, AnInlineAnswerStillCompletesTheCallerLater) {
  // The transport completes inside its own call, from inside the SDK's strand job: the caller's
  // handler runs neither inside async_fetch_token nor inside the transport's call.
  here_script here;
  bool in_transport = false;
  bool initiated = false;
  bool called = false;
  bool called_inside = false;
  request_options options;
  options.transport = [&](asio::any_io_executor, http_request request,
                          http_transport_handler handler) {
    in_transport = true;
    std::move(handler)(error_code{}, here.answer(request));
    in_transport = false;
  };
  asio::io_context ioc;
  async_fetch_token(ioc.get_executor(), test_credentials(), options,
                    [&](error_code ec, fetch_result) {
                      EXPECT_FALSE(ec) << ec.message();
                      called = true;
                      called_inside = in_transport || !initiated;
                    });
  initiated = true;
  ioc.run();
  EXPECT_TRUE(called);
  EXPECT_FALSE(called_inside);
}

TEST(CustomTransport, AnswersFromAnotherThreadCompleteOnTheHandlersExecutor) {
  here_script here;
  std::thread worker;
  request_options options;
  options.transport = [&](asio::any_io_executor, http_request request,
                          http_transport_handler handler) {
    http_response response = here.answer(request);
    worker = std::thread([h = std::move(handler), r = std::move(response)]() mutable {
      std::move(h)(error_code{}, std::move(r));  // straight from a foreign thread
    });
  };
  asio::io_context ioc;
  auto strand = asio::make_strand(ioc);
  bool on_strand = false;
  async_fetch_token(ioc.get_executor(), test_credentials(), options,
                    asio::bind_executor(strand, [&](error_code ec, fetch_result) {
                      EXPECT_FALSE(ec) << ec.message();
                      on_strand = strand.running_in_this_thread();
                    }));
  ioc.run();
  worker.join();
  EXPECT_TRUE(on_strand);
}

// ---- what a custom transport does not need -----------------------------------------------------

TEST(CustomTransport, LoadsNoTrustStoreAndUsesNoProxy) {
  here_script here;
  request_options options;
  options.transport = here.transport();
  options.use_system_trust_store = false;  // with the built-in transport: needs ca_file
  options.ca_file = "/nonexistent/ca.pem";
  options.proxy = "ftp://not-a-proxy:21";
  outcome out = run_fetch(options);
  EXPECT_FALSE(out.ec) << out.ec.message() << ": " << to_string(out.result.details);
  EXPECT_EQ(here.requests.size(), 1u);
}

TEST(CustomTransport, TheSdkStillValidatesCredentialsAndOptions) {
  std::atomic<int> calls{0};
  request_options options;
  options.transport = answering(http_response{}, &calls);
  options.request_timeout = 0ms;
  EXPECT_EQ(run_fetch(options).ec, error::invalid_option);
  options.request_timeout = 1s;

  credentials creds = test_credentials();
  creds.token_endpoint_url = "http://127.0.0.1:8080/oauth2/token";
  EXPECT_EQ(run_fetch(options, creds).ec, error::insecure_url_refused);
  creds.token_endpoint_url = "not a url";
  EXPECT_EQ(run_fetch(options, creds).ec, error::invalid_endpoint_url);
  creds = test_credentials();
  creds.access_key_secret = secret_string();
  EXPECT_EQ(run_fetch(options, creds).ec, error::credentials_missing);
  EXPECT_EQ(calls.load(), 0);
}

// ---- through the public entry points -----------------------------------------------------------

TEST(CustomTransport, FetchTokenAwaitableAndFuture) {
  here_script here;
  request_options options;
  options.transport = here.transport();
  asio::io_context ioc;
  std::optional<fetch_result> awaited;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        awaited =
            co_await fetch_token(co_await asio::this_coro::executor, test_credentials(), options);
      },
      [](std::exception_ptr e) {
        if (e)
          std::rethrow_exception(e);
      });
  ioc.run();
  ASSERT_TRUE(awaited);
  EXPECT_FALSE(awaited->token.value.empty());

  // A refusal through fetch_token is a token_error with HERE's details.
  options.transport = answering(here_error(401, "401300", "Signature mismatch"));
  ioc.restart();
  std::optional<token_error> thrown;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        try {
          co_await fetch_token(co_await asio::this_coro::executor, test_credentials(), options);
        } catch (const token_error& e) {
          thrown = e;
        }
      },
      asio::detached);
  ioc.run();
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->code(), error::signature_rejected);
  EXPECT_EQ(thrown->details().error_code, "401300");

  options.transport = here.transport();
  ioc.restart();
  std::future<fetch_result> future =
      async_fetch_token(ioc.get_executor(), test_credentials(), options, asio::use_future);
  ioc.run();
  EXPECT_FALSE(future.get().token.value.empty());
  EXPECT_EQ(here.requests.size(), 2u);
}

TEST(CustomTransport, ATokenProviderUsesItAndLearnsTheClockOffset) {
  // The server's clock runs an hour ahead: the first request is refused (401204), the provider
  // learns the offset from the answer's Date and the retry, signed with the server's time, gets
  // the token. A cached token then needs no request at all.
  here_script here;
  here.server_now = [] { return system_clock::now() + 3600s; };
  provider_options options;
  options.transport = here.transport();
  std::vector<provider_event> events;
  options.on_event = [&events](const provider_event& e) { events.push_back(e); };
  asio::io_context ioc;
  token_provider provider(ioc.get_executor(), test_credentials(), options);
  std::vector<std::string> tokens;
  for (int i = 0; i < 2; ++i) {
    provider.async_token([&](error_code ec, access_token token) {
      EXPECT_FALSE(ec) << ec.message();
      tokens.push_back(token.value);
    });
    // Until the handler has run: the provider keeps its refresh timer armed, so run() would not
    // return.
    ioc.restart();
    while (tokens.size() < static_cast<std::size_t>(i + 1) && ioc.run_one() > 0) {
    }
  }
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_FALSE(tokens[0].empty());
  EXPECT_EQ(tokens[0], tokens[1]);
  ASSERT_EQ(here.requests.size(), 2u);
  EXPECT_EQ(provider.stats().requests, 2u);
  ASSERT_FALSE(events.empty());
  EXPECT_LE(std::chrono::abs(events.back().clock_offset - 3600s), 2s);
  provider.cancel();
}

}  // namespace
}  // namespace here::oauth

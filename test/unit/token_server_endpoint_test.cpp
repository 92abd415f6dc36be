// SPDX-License-Identifier: Apache-2.0
// The local token server's decisions (tools/here-token-server/token_endpoint.*), cross-checked
// against the SDK's independent signer: what it accepts, every tampering it refuses with HERE's
// codes, the timestamp window, nonces, the grant and the lifetime.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include <boost/json/parse.hpp>

#include "signing/signer.hpp"

#include "local_token_server.hpp"  // error_codes
#include "oauth_header_parser.hpp"
#include "signature_verifier.hpp"
#include "token_endpoint.hpp"

namespace here::oauth::test_support {
using namespace here::oauth::detail;  // the SDK's signer and percent-encoding (src/)
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr const char* key_id = "test-access-key-id";
constexpr const char* secret = "test/secret+with=reserved&chars~";
const system_clock::time_point fixed_now = system_clock::time_point(1'700'000'000s);

std::string form(const parameter_list& params) {
  std::string out;
  for (const auto& [n, v] : params) {
    if (!out.empty())
      out += '&';
    out += percent_encode(n) + "=" + percent_encode(v);
  }
  return out;
}

/// A request signed by the SDK's request_signer, and what the server receives of it.
struct client_request {
  std::string url = "https://127.0.0.1:8443/oauth2/token";
  std::string host = "127.0.0.1:8443";
  std::string target = "/oauth2/token";
  parameter_list body{{"grant_type", "client_credentials"}};
  std::string signing_secret = secret;
  std::string signing_key = key_id;
  system_clock::time_point signed_at = fixed_now;
  std::string nonce = "nonce-0123456789abcdef";

  std::string authorization;
  std::string wire_body;
  std::string content_type = "application/x-www-form-urlencoded";

  client_request& sign() {
    request_signer signer(
        signing_key, secret_string(std::string_view(signing_secret)), [t = signed_at] { return t; },
        [n = nonce] { return n; });
    authorization = signer.sign("POST", url, body).authorization_header;
    wire_body = form(body);
    return *this;
  }

  endpoint_request view() const {
    endpoint_request r;
    r.host = host;
    r.target = target;
    r.authorization = authorization;
    r.content_type = content_type;
    r.body = wire_body;
    return r;
  }
};

endpoint_settings settings() {
  endpoint_settings s;
  s.access_key_id = key_id;
  s.access_key_secret = secret;
  return s;
}

class TokenServerEndpoint : public ::testing::Test {
 protected:
  endpoint_answer handle(const client_request& r, system_clock::time_point now = fixed_now,
                         std::optional<std::chrono::seconds> lifetime = {}) {
    return endpoint.handle(r.view(), now, lifetime);
  }
  token_endpoint endpoint{settings()};
};

boost::json::object json_of(const std::string& body) {
  return boost::json::parse(body).as_object();
}

TEST_F(TokenServerEndpoint, AcceptsTheSdkSignerAndAnswersInHereShape) {
  const auto a = handle(client_request().sign());
  ASSERT_EQ(a.status, 200U) << a.body;
  EXPECT_EQ(a.access_token.size(), 900U);
  const auto body = json_of(a.body);
  EXPECT_EQ(body.at("access_token").as_string(), a.access_token);
  EXPECT_EQ(body.at("token_type").as_string(), "bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 3600);
  EXPECT_FALSE(body.contains("scope"));
  EXPECT_EQ(a.expires_in, 3600s);
}

TEST_F(TokenServerEndpoint, RejectsEveryTampering) {
  client_request wrong_secret;
  wrong_secret.signing_secret = "test/secret+with=reserved&chars!";
  auto a = handle(wrong_secret.sign());
  EXPECT_EQ(a.status, 401U);
  EXPECT_EQ(a.error_code, "401300");
  const auto body = json_of(a.body);
  EXPECT_EQ(body.at("httpStatus").as_int64(), 401);
  EXPECT_EQ(body.at("errorCode").as_int64(), 401300);
  EXPECT_EQ(body.at("message").as_string(),
            "Signature mismatch. Authorization signature or client credential is wrong.");
  EXPECT_EQ(std::string(body.at("errorId").as_string()).rfind("ERROR-", 0), 0U);

  client_request changed_body;
  changed_body.sign();
  changed_body.wire_body += "&scope=hrn%3Ahere%3Aauthorization%3A%3Aorg%2Fproject";
  EXPECT_EQ(handle(changed_body).error_code, "401300");

  client_request changed_timestamp;
  changed_timestamp.sign();
  const std::string ts = std::to_string(1'700'000'000);
  const auto pos = changed_timestamp.authorization.find(ts);
  ASSERT_NE(pos, std::string::npos);
  changed_timestamp.authorization.replace(pos, ts.size(), std::to_string(1'700'000'001));
  EXPECT_EQ(handle(changed_timestamp).error_code, "401300");

  client_request changed_port;
  changed_port.sign();
  changed_port.host = "127.0.0.1:8444";
  EXPECT_EQ(handle(changed_port).error_code, "401300");

  client_request changed_host;
  changed_host.sign();
  changed_host.host = "localhost:8443";
  EXPECT_EQ(handle(changed_host).error_code, "401300");

  client_request changed_path;
  changed_path.url = "https://127.0.0.1:8443/oauth2/token/";
  changed_path.sign();
  changed_path.target = "/oauth2/token";
  EXPECT_EQ(handle(changed_path).error_code, "401300");

  client_request unknown_key;
  unknown_key.signing_key = "another-key";
  EXPECT_EQ(handle(unknown_key.sign()).error_code, "401300");

  // None of them consumed a nonce: the genuine request still goes through.
  EXPECT_EQ(handle(client_request().sign()).status, 200U);
}

TEST_F(TokenServerEndpoint, AcceptsEquivalentEncodings) {
  // Parameters in another order, spaces after commas, a realm, the body in another order, an
  // upper-case host, the Content-Type with a charset.
  client_request r;
  r.body = {{"grant_type", "client_credentials"}, {"scope", "hrn:here:x::org/p"}};
  r.sign();
  const auto params = parse_oauth_header(r.authorization).parameters;
  std::string reordered = "OAuth realm=\"here\"";
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    reordered += ",  " + percent_encode(it->first) + "=\"" + percent_encode(it->second) + "\"";
  }
  r.authorization = reordered;
  r.wire_body = "scope=hrn%3Ahere%3Ax%3A%3Aorg%2Fp&grant_type=client_credentials";
  r.host = "127.0.0.1:8443";
  r.content_type = "Application/X-WWW-Form-Urlencoded; charset=UTF-8";
  const auto a = handle(r);
  ASSERT_EQ(a.status, 200U) << a.body;
  EXPECT_EQ(json_of(a.body).at("scope").as_string(), "hrn:here:x::org/p");

  client_request upper;
  upper.url = "https://LocalHost:8443/oauth2/token";
  upper.host = "localhost:8443";
  upper.nonce = "another-nonce";
  EXPECT_EQ(handle(upper.sign()).status, 200U);
}

TEST_F(TokenServerEndpoint, VerifiesQueryParametersAndDefaultPorts) {
  client_request r;
  r.url = "https://127.0.0.1/oauth2/token?x=1%202&y";
  r.host = "127.0.0.1:443";
  r.target = "/oauth2/token?x=1%202&y";
  EXPECT_EQ(handle(r.sign()).status, 200U);

  client_request tampered = r;
  tampered.nonce = "n2";
  tampered.sign();
  tampered.target = "/oauth2/token?x=1%203&y";
  EXPECT_EQ(handle(tampered).error_code, "401300");
}

TEST_F(TokenServerEndpoint, VerifiesIpv6Hosts) {
  client_request r;
  r.url = "https://[::1]:8443/oauth2/token";
  r.host = "[::1]:8443";
  EXPECT_EQ(handle(r.sign()).status, 200U);
}

TEST_F(TokenServerEndpoint, ChecksTheTimestampWindow) {
  client_request late;
  late.signed_at = fixed_now - 601s;
  const auto a = handle(late.sign());
  EXPECT_EQ(a.status, 401U);
  EXPECT_EQ(a.error_code, "401204");
  EXPECT_EQ(json_of(a.body).at("message").as_string(), "Time stamp is outside the valid period.");

  client_request early;
  early.signed_at = fixed_now + 601s;
  EXPECT_EQ(handle(early.sign()).error_code, "401204");

  client_request edge;
  edge.signed_at = fixed_now - 600s;
  EXPECT_EQ(handle(edge.sign()).status, 200U);
  client_request other_edge;
  other_edge.signed_at = fixed_now + 600s;
  other_edge.nonce = "n2";
  EXPECT_EQ(handle(other_edge.sign()).status, 200U);

  // The server's clock, not the client's, decides.
  client_request shifted;
  shifted.nonce = "n3";
  EXPECT_EQ(handle(shifted.sign(), fixed_now + 3600s).error_code, "401204");
}

TEST_F(TokenServerEndpoint, RejectsReplayedNonces) {
  const client_request r = client_request().sign();
  EXPECT_EQ(handle(r).status, 200U);
  const auto replay = handle(r, fixed_now + 5s);
  EXPECT_EQ(replay.status, 401U);
  EXPECT_EQ(replay.error_code, "401207");
  EXPECT_EQ(replay.error_code, error_codes::nonce_replayed);
  // Another nonce with the same timestamp is fine.
  client_request other;
  other.nonce = "different";
  EXPECT_EQ(handle(other.sign()).status, 200U);
  EXPECT_EQ(endpoint.remembered_nonces(), 2U);
  // Long after the window the old nonces are forgotten (their timestamps are stale anyway).
  client_request later;
  later.signed_at = fixed_now + 1300s;
  later.nonce = "later";
  EXPECT_EQ(handle(later.sign(), fixed_now + 1300s).status, 200U);
  EXPECT_EQ(endpoint.remembered_nonces(), 1U);
}

TEST_F(TokenServerEndpoint, RejectsBadHeadersWithHereCodes) {
  client_request r;
  r.sign();
  auto with_header = [&](std::string header) {
    client_request copy = r;
    copy.authorization = std::move(header);
    return handle(copy);
  };
  endpoint_request missing = r.view();
  missing.authorization.reset();
  EXPECT_EQ(endpoint.handle(missing, fixed_now).error_code, "401200");
  EXPECT_EQ(with_header("").error_code, "401200");
  EXPECT_EQ(with_header("Bearer abc").error_code, "401202");
  EXPECT_EQ(with_header(r.authorization + ",oauth_nonce=\"x\"").error_code, "401202");
  EXPECT_EQ(with_header(r.authorization + ",").error_code, "401202");
  EXPECT_EQ(with_header("OAuth oauth_consumer_key=\"test-access-key-id\"").error_code, "401202");

  auto replace = [&](std::string_view from, std::string_view to) {
    std::string h = r.authorization;
    const auto pos = h.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos)
      h.replace(pos, from.size(), to);
    return with_header(h);
  };
  EXPECT_EQ(replace("HMAC-SHA256", "HMAC-SHA1").error_code, "401205");
  EXPECT_EQ(replace("oauth_version=\"1.0\"", "oauth_version=\"2.0\"").error_code, "401206");
  EXPECT_EQ(replace(",oauth_version=\"1.0\"", "").error_code, "401300");  // signed with it
  EXPECT_EQ(replace("oauth_timestamp=\"", "oauth_timestamp=\"x").error_code, "401202");
  for (const auto& a : {with_header("Bearer abc"), replace("HMAC-SHA256", "PLAINTEXT")}) {
    EXPECT_EQ(a.status, 401U);
    EXPECT_EQ(json_of(a.body).at("httpStatus").as_int64(), 401);
  }
}

TEST_F(TokenServerEndpoint, AcceptsAHeaderWithoutVersion) {
  // oauth_version is optional (RFC 5849 §3.1): a request signed without it is valid.
  const std::string ts = "1700000000";
  const std::string nonce = "no-version-nonce";
  parameter_list oauth{{"oauth_consumer_key", key_id},
                       {"oauth_nonce", nonce},
                       {"oauth_signature_method", "HMAC-SHA256"},
                       {"oauth_timestamp", ts}};
  const parameter_list body{{"grant_type", "client_credentials"}};
  received_request rr;
  rr.host = "127.0.0.1:8443";
  rr.target = "/oauth2/token";
  rr.oauth_parameters = &oauth;
  rr.body_parameters = &body;
  const auto base = rebuild_signature_base_string(rr);
  ASSERT_TRUE(base);
  std::string header = "OAuth ";
  oauth.emplace_back("oauth_signature", expected_signature(*base, secret));
  for (const auto& [n, v] : oauth) {
    if (header.size() > 6)
      header += ", ";
    header += n + "=\"" + percent_encode(v) + "\"";
  }
  client_request r;
  r.authorization = header;
  r.wire_body = "grant_type=client_credentials";
  EXPECT_EQ(handle(r).status, 200U);
}

TEST_F(TokenServerEndpoint, ChecksTheBodyAndGrant) {
  client_request json_type;
  json_type.sign();
  json_type.content_type = "application/json";
  EXPECT_EQ(handle(json_type).error_code, "400004");

  client_request no_type;
  no_type.sign();
  no_type.content_type.clear();
  endpoint_request v = no_type.view();
  v.content_type.reset();
  EXPECT_EQ(endpoint.handle(v, fixed_now).error_code, "400003");

  client_request no_grant;
  no_grant.body = {{"scope", "x"}};
  const auto a = handle(no_grant.sign());
  EXPECT_EQ(a.status, 400U);
  EXPECT_EQ(a.error_code, "400201");

  client_request other_grant;
  other_grant.nonce = "n2";
  other_grant.body = {{"grant_type", "password"}};
  EXPECT_EQ(handle(other_grant.sign()).error_code, "400203");

  client_request bad_escape;
  bad_escape.nonce = "n3";
  bad_escape.sign();
  bad_escape.wire_body = "grant_type=client_credentials%";
  EXPECT_EQ(handle(bad_escape).error_code, "400200");
}

TEST_F(TokenServerEndpoint, RoutesOnlyPostToTheTokenPath) {
  client_request wrong_path;
  wrong_path.url = "https://127.0.0.1:8443/oauth2/token2";
  wrong_path.target = "/oauth2/token2";
  const auto a = handle(wrong_path.sign());
  EXPECT_EQ(a.status, 404U);
  client_request signed_get;
  signed_get.sign();
  endpoint_request get = signed_get.view();  // views into signed_get
  get.method = "GET";
  EXPECT_EQ(endpoint.handle(get, fixed_now).status, 405U);
}

TEST_F(TokenServerEndpoint, LifetimeOverridesAndRequestedExpiry) {
  client_request capped;
  capped.body = {{"grant_type", "client_credentials"}, {"expires_in", "60"}};
  auto a = handle(capped.sign());
  ASSERT_EQ(a.status, 200U) << a.body;
  EXPECT_EQ(a.expires_in, 60s);
  EXPECT_EQ(json_of(a.body).at("expires_in").as_int64(), 60);

  client_request longer;
  longer.nonce = "n2";
  longer.body = {{"grant_type", "client_credentials"}, {"expires_in", "86400"}};
  EXPECT_EQ(handle(longer.sign()).expires_in, 3600s);  // a cap, never an extension

  client_request overridden;
  overridden.nonce = "n3";
  EXPECT_EQ(handle(overridden.sign(), fixed_now, 5s).expires_in, 5s);

  endpoint.set_token_lifetime(100s);
  client_request shorter;
  shorter.nonce = "n4";
  EXPECT_EQ(handle(shorter.sign()).expires_in, 100s);

  client_request zero;
  zero.nonce = "n5";
  zero.body = {{"grant_type", "client_credentials"}, {"expires_in", "0"}};
  EXPECT_EQ(handle(zero.sign()).error_code, "400203");
}

}  // namespace
}  // namespace here::oauth::test_support

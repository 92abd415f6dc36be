// The local token server's pure parts: its Authorization header parser, its own signature
// verifier (cross-checked against the SDK's independent signer), the endpoint's decisions and
// its run-time certificates.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <boost/json/parse.hpp>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "signing/signer.hpp"

#include "local_token_server.hpp"
#include "oauth_header_parser.hpp"
#include "signature_verifier.hpp"
#include "token_endpoint.hpp"

namespace here::oauth::test_support {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// ---- the Authorization header parser ----

TEST(TokenServerOAuthHeaderParser, ParsesQuotedPercentEncodedParameters) {
  const auto r = parse_oauth_header(
      R"(OAuth oauth_consumer_key="key%2Fid",oauth_nonce="n",oauth_signature="a%2Bb%3D")");
  ASSERT_EQ(r.problem, header_problem::none) << r.detail;
  ASSERT_EQ(r.parameters.size(), 3U);
  EXPECT_EQ(r.parameters[0], (std::pair<std::string, std::string>("oauth_consumer_key", "key/id")));
  ASSERT_NE(r.find("oauth_signature"), nullptr);
  EXPECT_EQ(*r.find("oauth_signature"), "a+b=");
  EXPECT_EQ(r.find("oauth_version"), nullptr);
}

TEST(TokenServerOAuthHeaderParser, ToleratesSpacesAndSchemeCase) {
  const auto r = parse_oauth_header("  oauth   realm=\"Example\",  a=\"1\" ,\tb = \"2\"  ");
  ASSERT_EQ(r.problem, header_problem::none) << r.detail;
  ASSERT_EQ(r.parameters.size(), 3U);
  EXPECT_EQ(*r.find("realm"), "Example");
  EXPECT_EQ(*r.find("b"), "2");
  EXPECT_EQ(parse_oauth_header("OAUTH a=\"\"").problem, header_problem::none);
}

TEST(TokenServerOAuthHeaderParser, ReportsMissingAndOtherSchemes) {
  EXPECT_EQ(parse_oauth_header("").problem, header_problem::missing);
  EXPECT_EQ(parse_oauth_header("   ").problem, header_problem::missing);
  EXPECT_EQ(parse_oauth_header("Bearer abc").problem, header_problem::not_oauth);
  EXPECT_EQ(parse_oauth_header("OAuth2 a=\"1\"").problem, header_problem::not_oauth);
  EXPECT_EQ(parse_oauth_header("OAuth,a=\"1\"").problem, header_problem::not_oauth);
}

TEST(TokenServerOAuthHeaderParser, RejectsGarbage) {
  for (const char* bad : {
           "OAuth",                   // no parameters
           "OAuth a=1",               // unquoted
           "OAuth a=\"1",             // no closing quote
           "OAuth a",                 // no '='
           "OAuth =\"1\"",            // no name
           "OAuth a=\"1\",",          // trailing comma
           "OAuth a=\"1\",,b=\"2\"",  // empty element
           "OAuth a=\"1\" b=\"2\"",   // no comma
           "OAuth a=\"1\"x",          // stray character
           "OAuth a=\"%G0\"",         // bad escape
           "OAuth a=\"%4\"",          // short escape
           "OAuth a=\"x\\\"y\"",      // backslash escapes are not OAuth syntax
           "OAuth a=\"x\ny\"",        // control character
       }) {
    EXPECT_EQ(parse_oauth_header(bad).problem, header_problem::malformed) << bad;
  }
}

TEST(TokenServerOAuthHeaderParser, RejectsDuplicates) {
  const auto r = parse_oauth_header("OAuth a=\"1\", b=\"2\", a=\"1\"");
  EXPECT_EQ(r.problem, header_problem::duplicate_parameter);
  EXPECT_NE(r.detail.find("'a'"), std::string::npos);
  // Names are compared decoded.
  EXPECT_EQ(parse_oauth_header("OAuth a=\"1\", %61=\"2\"").problem,
            header_problem::duplicate_parameter);
}

TEST(TokenServerFormParser, DecodesFormSyntax) {
  const auto r = parse_form_urlencoded("grant_type=client_credentials&scope=hrn%3Ahere+x&&flag");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[1].second, "hrn:here x");
  EXPECT_EQ((*r)[2], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_FALSE(parse_form_urlencoded("a=%zz"));
  EXPECT_EQ(decode_percent("a+b%2b", false), "a+b+");
  EXPECT_EQ(decode_percent("%e9%C3", true), "\xE9\xC3");
  EXPECT_FALSE(decode_percent("%", true));
}

// ---- the verifier ----

TEST(TokenServerSignatureVerifier, BaseStringUriFromHostHeader) {
  EXPECT_EQ(base_string_uri_from_host("https", "127.0.0.1:8443", "/oauth2/token"),
            "https://127.0.0.1:8443/oauth2/token");
  EXPECT_EQ(base_string_uri_from_host("HTTPS", "Account.API.Here.com:443", "/oauth2/token?a=b"),
            "https://account.api.here.com/oauth2/token");
  EXPECT_EQ(base_string_uri_from_host("http", "example.com:80", "/r"), "http://example.com/r");
  EXPECT_EQ(base_string_uri_from_host("http", "example.com:443", "/r"), "http://example.com:443/r");
  EXPECT_EQ(base_string_uri_from_host("https", "[::1]:8443", "/Path"), "https://[::1]:8443/Path");
  EXPECT_EQ(base_string_uri_from_host("https", "[::1]", "/"), "https://[::1]/");
  EXPECT_EQ(base_string_uri_from_host("https", "h:08443", "/"), "https://h:8443/");
  for (auto [host, target] :
       std::initializer_list<std::pair<const char*, const char*>>{{"", "/"},
                                                                  {":443", "/"},
                                                                  {"h:x", "/"},
                                                                  {"h:65536", "/"},
                                                                  {"[::1", "/"},
                                                                  {"[::1]x", "/"},
                                                                  {"h", "oauth2/token"},
                                                                  {"h", "https://h/oauth2/token"},
                                                                  {"a b", "/"}}) {
    EXPECT_FALSE(base_string_uri_from_host("https", host, target)) << host << " " << target;
  }
  EXPECT_FALSE(base_string_uri_from_host("ftp", "h", "/"));
}

TEST(TokenServerSignatureVerifier, RebuildsTheRfc5849Example) {
  // RFC 5849 §3.4.1.1: the request, the header and the base string the RFC prints.
  const auto header =
      parse_oauth_header(R"(OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", )"
                         R"(oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", )"
                         R"(oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", )"
                         R"(oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D")");
  ASSERT_EQ(header.problem, header_problem::none);
  const auto body = parse_form_urlencoded("c2&a3=2+q");
  ASSERT_TRUE(body);
  received_request r;
  r.method = "post";
  r.scheme = "http";
  r.host = "example.com";
  r.target = "/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
  r.oauth_parameters = &header.parameters;
  r.body_parameters = &*body;
  EXPECT_EQ(rebuild_signature_base_string(r),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D"
            "%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_"
            "nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%"
            "26oauth_token%3Dkkk9d7dh3k39sjv7");
  r.target = "/request?a=%zz";
  EXPECT_FALSE(rebuild_signature_base_string(r));
}

TEST(TokenServerSignatureVerifier, Base64MatchesRfc4648) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [in, out] : vectors)
    EXPECT_EQ(encode_base64(in), out);
  EXPECT_EQ(encode_base64("\xfb\xff", true), "-_8");
  EXPECT_EQ(encode_base64("\xfb\xff"), "+/8=");
}

TEST(TokenServerSignatureVerifier, ComparesTheWholeSignature) {
  const std::string sig = expected_signature("base", "secret");
  EXPECT_EQ(sig.size(), 44U);
  EXPECT_TRUE(signature_matches("base", "secret", sig));
  EXPECT_FALSE(signature_matches("base", "secreT", sig));
  EXPECT_FALSE(signature_matches("basE", "secret", sig));
  EXPECT_FALSE(signature_matches("base", "secret", sig.substr(0, 43)));
  EXPECT_FALSE(signature_matches("base", "secret", ""));
  std::string flipped = sig;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signature_matches("base", "secret", flipped));
}

// ---- cross-check: the SDK's signer against the server's verifier ----

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

TEST(TokenServerTokens, AreUniqueAndOfTheConfiguredSize) {
  for (std::size_t size : {1U, 10U, 47U, 120U, 900U, 4096U}) {
    std::set<std::string> seen;
    for (std::uint64_t serial = 1; serial <= 50; ++serial) {
      const std::string t = make_access_token(size, key_id, fixed_now, 3600s, "", serial);
      EXPECT_EQ(t.size(), size);
      if (size >= 10) {
        EXPECT_TRUE(seen.insert(t).second) << size;
      }
    }
  }
  const std::string jwt = make_access_token(900, key_id, fixed_now, 3600s, "scope", 7);
  EXPECT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2);
  EXPECT_EQ(
      jwt.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos);
}

TEST(TokenServerBodies, HaveHereShapes) {
  const auto error = json_of(here_error_body(503, "503000", "down"));
  EXPECT_EQ(error.size(), 4U);
  EXPECT_EQ(error.at("httpStatus").as_int64(), 503);
  EXPECT_EQ(error.at("errorCode").as_int64(), 503000);
  const std::string id(error.at("errorId").as_string());
  ASSERT_EQ(id.size(), 42U);   // "ERROR-" + 36
  EXPECT_EQ(id[6 + 14], '4');  // UUID version
  EXPECT_NE(make_error_id(), make_error_id());

  EXPECT_EQ(default_error_code(401), "401300");
  EXPECT_EQ(default_error_code(429), "429002");
  EXPECT_EQ(default_error_code(400), "400200");
  EXPECT_EQ(default_error_code(503), "503000");
  EXPECT_EQ(error_code_in(here_error_body(403, "403000", "no")), "403000");
  EXPECT_EQ(error_code_in(R"({"errorCode":"E1"})"), "E1");
  EXPECT_EQ(error_code_in("<html>"), "");

  const auto token = json_of(token_response_body("abc", 10s, "p"));
  EXPECT_EQ(token.at("scope").as_string(), "p");
  EXPECT_EQ(token.at("expires_in").as_int64(), 10);
}

TEST(TokenServerBodies, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(system_clock::time_point(784111777s)),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(system_clock::time_point(951782400s + 500ms)),
            "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(system_clock::time_point(0s)), "Thu, 01 Jan 1970 00:00:00 GMT");
}

// ---- certificates ----

struct x509_free_t {
  void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_free_t>;

x509_ptr read_cert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return x509_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

TEST(TokenServerCertificates, ServerCertificateChainsToTheCaAndNamesEveryHost) {
  const generated_certificates certs = generate_certificates({"localhost", "127.0.0.1", "::1"});
  x509_ptr ca = read_cert(certs.ca_pem);
  x509_ptr server = read_cert(certs.server_cert_pem);
  ASSERT_TRUE(ca && server);

  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  ASSERT_EQ(X509_STORE_add_cert(store.get(), ca.get()), 1);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), server.get(), nullptr), 1);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));

  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_ip_asc(server.get(), "127.0.0.2", 0), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_NE(X509_check_ca(ca.get()), 0);

  // The key is the certificate's, and the validity is short.
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(certs.server_key_pem.data(), static_cast<int>(certs.server_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(server.get(), key.get()), 1);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(server.get()),
                           X509_get0_notAfter(server.get())),
            1);
  EXPECT_LE(days, 2);
}

TEST(TokenServerCertificates, AreFreshEachTime) {
  const auto a = generate_certificates({"localhost"});
  const auto b = generate_certificates({"localhost"});
  EXPECT_NE(a.ca_pem, b.ca_pem);
  EXPECT_NE(a.server_key_pem, b.server_key_pem);
  x509_ptr ca_a = read_cert(a.ca_pem);
  x509_ptr server_b = read_cert(b.server_cert_pem);
  ASSERT_TRUE(ca_a && server_b);
  // b's server certificate was not signed by a's CA.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key(X509_get_pubkey(ca_a.get()),
                                                             &EVP_PKEY_free);
  EXPECT_NE(X509_verify(server_b.get(), ca_key.get()), 1);
  EXPECT_THROW(generate_certificates({}), std::runtime_error);
}

}  // namespace
}  // namespace here::oauth::test_support

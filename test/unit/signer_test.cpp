// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "signing/signer.hpp"

#include "common/percent_encoding.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------
// RFC 5849 §3.4.1: the example request, reproduced exactly.
//
//   POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b HTTP/1.1
//   Host: example.com
//   Content-Type: application/x-www-form-urlencoded
//   Authorization: OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2",
//     oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1",
//     oauth_timestamp="137131201", oauth_nonce="7d8f3e4a",
//     oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"
//
//   c2&a3=2+q
// ---------------------------------------------------------------------------------------------

constexpr std::string_view rfc_url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";

// The Authorization header's parameters, decoded, without realm and oauth_signature (§3.4.1.3.1).
const parameter_list rfc_oauth_parameters{
    {"oauth_consumer_key", "9djdj82h48djs9d2"},
    {"oauth_token", "kkk9d7dh3k39sjv7"},
    {"oauth_signature_method", "HMAC-SHA1"},
    {"oauth_timestamp", "137131201"},
    {"oauth_nonce", "7d8f3e4a"},
};

// The table of §3.4.1.3.1, in the RFC's order: query, header, body.
const parameter_list rfc_decoded_parameters{
    {"b5", "=%3D"},
    {"a3", "a"},
    {"c@", ""},
    {"a2", "r b"},
    {"oauth_consumer_key", "9djdj82h48djs9d2"},
    {"oauth_token", "kkk9d7dh3k39sjv7"},
    {"oauth_signature_method", "HMAC-SHA1"},
    {"oauth_timestamp", "137131201"},
    {"oauth_nonce", "7d8f3e4a"},
    {"c2", ""},
    {"a3", "2 q"},
};

// The end of §3.4.1.3.2 (the RFC wraps it over three lines).
constexpr std::string_view rfc_normalized =
    "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9dj"
    "dj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1"
    "&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7";

// The end of §3.4.1.1 (the RFC wraps it over five lines).
constexpr std::string_view rfc_base_string =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
    "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_"
    "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m"
    "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
    "9d7dh3k39sjv7";

TEST(Rfc5849, NormalizedParametersExample_3_4_1_3_2) {
  EXPECT_EQ(normalize_parameters(rfc_decoded_parameters), rfc_normalized);
}

TEST(Rfc5849, NormalizedParametersDoNotDependOnInputOrder) {
  parameter_list reversed(rfc_decoded_parameters.rbegin(), rfc_decoded_parameters.rend());
  EXPECT_EQ(normalize_parameters(reversed), rfc_normalized);
}

TEST(Rfc5849, SignatureBaseStringExample_3_4_1_1) {
  // The body as sent, decoded as a form: "c2" has no '=', and '+' is a space.
  auto body = detail::parse_form_parameters("c2&a3=2+q");
  ASSERT_TRUE(body);
  EXPECT_EQ(*body, (parameter_list{{"c2", ""}, {"a3", "2 q"}}));

  parameter_list params = rfc_oauth_parameters;
  params.insert(params.end(), body->begin(), body->end());
  // The query's parameters (b5, a3, c@, a2) are taken from the URL by signature_base_string.
  EXPECT_EQ(signature_base_string("POST", rfc_url, params), rfc_base_string);
}

TEST(Rfc5849, SignatureBaseStringUpperCasesTheMethod) {
  parameter_list params = rfc_oauth_parameters;
  params.insert(params.end(), {{"c2", ""}, {"a3", "2 q"}});
  EXPECT_EQ(signature_base_string("post", rfc_url, params), rfc_base_string);
}

TEST(Rfc5849, SignatureBaseStringEncodesACustomMethod) {
  const std::string base = signature_base_string("m-search*", "http://example.com/", {});
  EXPECT_TRUE(base.starts_with("M-SEARCH%2A&http%3A%2F%2Fexample.com%2F&")) << base;
}

TEST(Rfc5849, BaseStringUriExamples_3_4_1_2) {
  EXPECT_EQ(base_string_uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123"), "http://example.com/r%20v/X");
  EXPECT_EQ(base_string_uri("https://www.example.net:8080/?q=1"), "https://www.example.net:8080/");
}

// ---------------------------------------------------------------------------------------------
// base_string_uri
// ---------------------------------------------------------------------------------------------

TEST(BaseStringUri, DropsOnlyTheSchemesDefaultPort) {
  EXPECT_EQ(base_string_uri("https://h.example:443/t"), "https://h.example/t");
  EXPECT_EQ(base_string_uri("http://h.example:80/t"), "http://h.example/t");
  EXPECT_EQ(base_string_uri("https://h.example:80/t"), "https://h.example:80/t");
  EXPECT_EQ(base_string_uri("http://h.example:443/t"), "http://h.example:443/t");
  EXPECT_EQ(base_string_uri("https://h.example:8443/t"), "https://h.example:8443/t");
  EXPECT_EQ(base_string_uri("https://h.example:0443/t"), "https://h.example/t");
  EXPECT_EQ(base_string_uri("https://h.example:/t"), "https://h.example/t");  // empty port
  EXPECT_EQ(base_string_uri("https://h.example:65535/t"), "https://h.example:65535/t");
}

TEST(ParsePort, AcceptsOnly1To65535) {
  EXPECT_EQ(detail::parse_port("443"), 443);
  EXPECT_EQ(detail::parse_port("0443"), 443);
  EXPECT_EQ(detail::parse_port("1"), 1);
  EXPECT_EQ(detail::parse_port("65535"), 65535);
  for (std::string_view bad :
       {"", "0", "00", "65536", "65979", "99999", "-1", "+80", "8o", " 80"}) {
    EXPECT_FALSE(detail::parse_port(bad)) << bad;
  }
}

TEST(BaseStringUri, PortsAbove65535AreRejectedNotWrapped) {
  // Boost.URL 1.81's port_number() gives 65979 % 65536 == 443 here, which would sign the request
  // for the wrong port (and drop it as the default one).
  EXPECT_THROW(base_string_uri("https://h.example:65979/t"), std::invalid_argument);
  EXPECT_THROW(base_string_uri("https://h.example:65536/t"), std::invalid_argument);
  EXPECT_THROW(base_string_uri("https://h.example:99999/t"), std::invalid_argument);
  EXPECT_THROW(base_string_uri("https://h.example:123456789012/t"), std::invalid_argument);
}

TEST(BaseStringUri, LowerCasesSchemeAndHostButNotThePath) {
  EXPECT_EQ(base_string_uri("HtTpS://Account.API.Here.COM/OAuth2/Token"),
            "https://account.api.here.com/OAuth2/Token");
}

TEST(BaseStringUri, EmptyPathIsSlash) {
  EXPECT_EQ(base_string_uri("https://example.com"), "https://example.com/");
  EXPECT_EQ(base_string_uri("https://example.com?a=1"), "https://example.com/");
  EXPECT_EQ(base_string_uri("https://example.com:8443"), "https://example.com:8443/");
}

TEST(BaseStringUri, DropsQueryFragmentAndUserInfo) {
  EXPECT_EQ(base_string_uri("https://example.com/a/b?x=1&y=2#frag"), "https://example.com/a/b");
  EXPECT_EQ(base_string_uri("https://example.com/a#frag"), "https://example.com/a");
  EXPECT_EQ(base_string_uri("https://user:pw@example.com/a"), "https://example.com/a");
}

TEST(BaseStringUri, KeepsIpAddresses) {
  EXPECT_EQ(base_string_uri("http://127.0.0.1:8080/token"), "http://127.0.0.1:8080/token");
  EXPECT_EQ(base_string_uri("https://[::1]:8443/token"), "https://[::1]:8443/token");
  EXPECT_EQ(base_string_uri("https://[::1]:443/token"), "https://[::1]/token");
}

TEST(BaseStringUri, RejectsWhatIsNotAnAbsoluteHttpUrl) {
  for (std::string_view bad :
       {"", "account.api.here.com/oauth2/token", "/oauth2/token", "ftp://example.com/file",
        "mailto:someone@example.com", "https:no-authority", "https:///no-host",
        "https://example.com:99999/", "https://example.com:0/", "https://exa mple.com/",
        "https://%zz/"}) {
    EXPECT_THROW(base_string_uri(bad), std::invalid_argument) << bad;
  }
}

// ---------------------------------------------------------------------------------------------
// normalize_parameters and signature_base_string beyond the RFC example
// ---------------------------------------------------------------------------------------------

TEST(NormalizeParameters, SortsByEncodedBytes) {
  // Encoded: "a%20b" < "a%2Bb" < "a-b" < "aB" ('%' is 0x25, '-' 0x2D, 'B' 0x42); upper case first.
  parameter_list params{{"aB", "4"}, {"a-b", "3"}, {"a+b", "2"}, {"a b", "1"}, {"Ab", "5"}};
  EXPECT_EQ(normalize_parameters(params), "Ab=5&a%20b=1&a%2Bb=2&a-b=3&aB=4");
}

TEST(NormalizeParameters, SortsRepeatedNamesByEncodedValue) {
  parameter_list params{{"a", "2"}, {"a", "10"}, {"a", ""}, {"a", "1"}, {"a", " "}, {"a", "~"}};
  EXPECT_EQ(normalize_parameters(params), "a=&a=%20&a=1&a=10&a=2&a=~");
}

TEST(NormalizeParameters, EncodesNamesAndValuesWithRfc3986) {
  parameter_list params{{"scope", "hrn:here:authorization::org123:project/my-project"},
                        {"k", "\xC3\xA9 +*~"}};
  EXPECT_EQ(
      normalize_parameters(params),
      "k=%C3%A9%20%2B%2A~&scope=hrn%3Ahere%3Aauthorization%3A%3Aorg123%3Aproject%2Fmy-project");
}

TEST(NormalizeParameters, EmptyListIsEmptyString) {
  EXPECT_EQ(normalize_parameters({}), "");
}

TEST(SignatureBaseString, QueryPlusIsASpaceAndEscapedPlusIsAPlus) {
  EXPECT_EQ(signature_base_string("GET", "https://e.com/p?q=a+b&r=1%2B1", {}),
            "GET&https%3A%2F%2Fe.com%2Fp&q%3Da%2520b%26r%3D1%252B1");
}

TEST(SignatureBaseString, RejectsAMalformedQueryEscape) {
  EXPECT_THROW(signature_base_string("GET", "https://e.com/p?q=%zz", {}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// sign_request: the header
// ---------------------------------------------------------------------------------------------

// The "here_token_request" vector of test/data/signature_vectors.json (computed by oauthlib).
const parameter_list grant{{"grant_type", "client_credentials"}};
constexpr std::string_view vector_key = "Qx3zT7uVbN2mK8pLw4Rj";
constexpr std::string_view vector_secret =
    "aB3-dE6_gH9iJ2kL5mN8oP1qR4sT7uV0wX3yZ6aB9cD2eF5gH8iJ1kL4mN7oP0q";
constexpr std::string_view vector_signature = "VMtWs2qJevriNo9C3x4F+ZECAhQ6DpGFPfzOTKHy/So=";

signature_input vector_input() {
  signature_input in;
  in.method = "POST";
  in.url = "https://account.api.here.com/oauth2/token";
  in.body = &grant;
  in.consumer_key = vector_key;
  in.consumer_secret = vector_secret;
  in.nonce = "kllo9940pd9333jh";
  in.timestamp = 1700000000;
  return in;
}

TEST(SignRequest, HeaderHasTheExactHereFormat) {
  signed_request out = sign_request(vector_input());
  EXPECT_EQ(out.signature, vector_signature);
  EXPECT_EQ(out.authorization_header,
            "OAuth oauth_consumer_key=\"Qx3zT7uVbN2mK8pLw4Rj\",oauth_nonce=\"kllo9940pd9333jh\","
            "oauth_signature=\"VMtWs2qJevriNo9C3x4F%2BZECAhQ6DpGFPfzOTKHy%2FSo%3D\","
            "oauth_signature_method=\"HMAC-SHA256\",oauth_timestamp=\"1700000000\","
            "oauth_version=\"1.0\"");
  EXPECT_EQ(out.nonce, "kllo9940pd9333jh");
  EXPECT_EQ(out.timestamp, 1700000000);
}

TEST(SignRequest, PercentEncodesHeaderValues) {
  signature_input in = vector_input();
  in.consumer_key = "k\"ey,=+ \xC3\xA9";  // a quote or comma could break the header's syntax
  in.nonce = "n\"o,n=c+e";
  signed_request out = sign_request(in);
  EXPECT_NE(out.authorization_header.find("oauth_consumer_key=\"k%22ey%2C%3D%2B%20%C3%A9\""),
            std::string::npos)
      << out.authorization_header;
  EXPECT_NE(out.authorization_header.find("oauth_nonce=\"n%22o%2Cn%3Dc%2Be\""), std::string::npos)
      << out.authorization_header;
  EXPECT_NE(
      out.authorization_header.find("oauth_signature=\"" + percent_encode(out.signature) + "\""),
      std::string::npos);
  // Exactly six quoted parameters: nothing from the values leaked out of its quotes.
  EXPECT_EQ(std::count(out.authorization_header.begin(), out.authorization_header.end(), '"'), 12);
  EXPECT_EQ(std::count(out.authorization_header.begin(), out.authorization_header.end(), ','), 5);
}

TEST(SignRequest, SignatureIsBase64OfA32ByteMac) {
  signed_request out = sign_request(vector_input());
  EXPECT_EQ(out.signature.size(), 44u);
  EXPECT_EQ(out.signature.back(), '=');
}

TEST(SignRequest, NullBodySignsOnlyTheProtocolParameters) {
  signature_input in = vector_input();
  in.body = nullptr;
  signed_request out = sign_request(in);
  EXPECT_EQ(out.signature_base_string.find("grant_type"), std::string::npos);
  EXPECT_TRUE(out.signature_base_string.starts_with(
      "POST&https%3A%2F%2Faccount.api.here.com%2Foauth2%2Ftoken&oauth_consumer_key%3D"));
}

TEST(SignRequest, EmptySecretStillSigns) {
  signature_input in = vector_input();
  in.consumer_secret = "";
  EXPECT_EQ(sign_request(in).signature.size(), 44u);
}

TEST(SignRequest, RejectsABadUrl) {
  signature_input in = vector_input();
  in.url = "account.api.here.com/oauth2/token";
  EXPECT_THROW(sign_request(in), std::invalid_argument);
  in.url = "ftp://account.api.here.com/oauth2/token";
  EXPECT_THROW(sign_request(in), std::invalid_argument);
}

// HMAC-SHA256 computed directly with OpenSSL, for the tutorial comparisons below.
std::string raw_hmac_base64(std::string_view key, std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &size);
  std::string out(4 * ((size + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac.data(), static_cast<int>(size));
  return out;
}

TEST(SignRequest, KeyIsTheEncodedSecretAndAnAmpersand) {
  signature_input in = vector_input();
  const std::string secret = "s+e/c=r&e~t% *x";
  in.consumer_secret = secret;
  signed_request out = sign_request(in);
  EXPECT_EQ(out.signature,
            raw_hmac_base64(percent_encode(secret) + "&", out.signature_base_string));
  // The tutorial's key, the raw secret and "&", gives another signature: HERE would refuse it.
  EXPECT_NE(out.signature, raw_hmac_base64(secret + "&", out.signature_base_string));
}

TEST(SignRequest, RawSecretOnlyWorksForUnreservedSecrets) {
  // Why the tutorial seems to work: HERE's secrets are usually made of unreserved characters,
  // for which encoding changes nothing.
  signed_request out = sign_request(vector_input());
  EXPECT_EQ(out.signature,
            raw_hmac_base64(std::string(vector_secret) + "&", out.signature_base_string));
}

TEST(SignRequest, ParametersAreSortedNotAppended) {
  // The tutorial writes grant_type first and the oauth_ parameters after it. expires_in sorts
  // before all of them, so appending it (as the tutorial's code invites) gives a wrong signature.
  const parameter_list body{{"grant_type", "client_credentials"}, {"expires_in", "3600"}};
  signature_input in = vector_input();
  in.body = &body;
  signed_request out = sign_request(in);
  EXPECT_TRUE(out.signature_base_string.starts_with(
      "POST&https%3A%2F%2Faccount.api.here.com%2Foauth2%2Ftoken&expires_in%3D3600%26grant_type%3D"))
      << out.signature_base_string;
  EXPECT_TRUE(out.signature_base_string.ends_with("%26oauth_version%3D1.0"));
  // The "expires_in" vector of signature_vectors.json (oauthlib).
  EXPECT_EQ(out.signature, "uDD/TXLH+K4Cav4PkPIGXqTAq5nEvXv2lJ3A2V8nvJs=");
}

TEST(SignRequest, ValuesAreEncodedBeforeTheBaseStringEncodesThemAgain) {
  // The tutorial percent-encodes the joined parameter string once; each value must be encoded
  // first, so a scope's ':' ends up as %253A in the base string, not %3A.
  const parameter_list body{{"grant_type", "client_credentials"},
                            {"scope", "hrn:here:authorization::org123:project/my-project"}};
  signature_input in = vector_input();
  in.body = &body;
  signed_request out = sign_request(in);
  EXPECT_TRUE(out.signature_base_string.ends_with(
      "%26scope%3Dhrn%253Ahere%253Aauthorization%253A%253Aorg123%253Aproject%252Fmy-project"))
      << out.signature_base_string;
  // The "scope" vector of signature_vectors.json (oauthlib).
  EXPECT_EQ(out.signature, "dUUi8KM2rnKX9wJgEeH90MASnzkYKhoJIYtkIRbBlWs=");
}

// ---------------------------------------------------------------------------------------------
// Nonces
// ---------------------------------------------------------------------------------------------

TEST(Nonce, Is32UnreservedCharacters) {
  for (int i = 0; i < 100; ++i) {
    const std::string nonce = generate_nonce();
    ASSERT_EQ(nonce.size(), 32u);
    for (char c : nonce) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      ASSERT_TRUE(ok) << nonce;
    }
    EXPECT_EQ(percent_encode(nonce), nonce);  // never needs encoding
  }
}

TEST(Nonce, ThousandNoncesAreAllDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(generate_nonce());
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Nonce, UsesTheWholeAlphabet) {
  // 1000 nonces of 32 characters from a 64-character alphabet: every character shows up (the
  // chance that one does not is about 64 * (63/64)^32000, far below 1e-200).
  std::set<char> chars;
  for (int i = 0; i < 1000; ++i) {
    for (char c : generate_nonce())
      chars.insert(c);
  }
  EXPECT_EQ(chars.size(), 64u);
}

// ---------------------------------------------------------------------------------------------
// request_signer
// ---------------------------------------------------------------------------------------------

system_clock::time_point at(std::int64_t seconds) {
  return system_clock::time_point(std::chrono::seconds(seconds));
}

TEST(RequestSigner, UsesTheInjectedClockAndNonce) {
  request_signer signer(
      std::string(vector_key), secret_string(vector_secret), [] { return at(1700000000); },
      [] { return std::string("kllo9940pd9333jh"); });
  EXPECT_EQ(signer.consumer_key(), vector_key);
  signed_request out = signer.sign("POST", "https://account.api.here.com/oauth2/token", grant);
  EXPECT_EQ(out.signature, vector_signature);
  EXPECT_EQ(out.nonce, "kllo9940pd9333jh");
  EXPECT_EQ(out.timestamp, 1700000000);
  EXPECT_EQ(out.authorization_header, sign_request(vector_input()).authorization_header);
}

TEST(RequestSigner, TakesAFreshNonceAndTimeForEveryRequest) {
  std::atomic<int> nonces{0};
  std::int64_t now = 1700000000;
  request_signer signer(
      "key", secret_string(std::string_view("secret")), [&now] { return at(now); },
      [&nonces] { return "nonce-" + std::to_string(++nonces); });
  signed_request first = signer.sign("POST", "https://h.example/token", grant);
  now += 7;
  signed_request second = signer.sign("POST", "https://h.example/token", grant);
  EXPECT_EQ(first.nonce, "nonce-1");
  EXPECT_EQ(second.nonce, "nonce-2");
  EXPECT_EQ(first.timestamp, 1700000000);
  EXPECT_EQ(second.timestamp, 1700000007);
  EXPECT_NE(first.signature, second.signature);
}

TEST(RequestSigner, AddsTheClockOffset) {
  request_signer signer(
      "key", secret_string(std::string_view("secret")), [] { return at(1700000000); },
      [] { return std::string("n"); });
  EXPECT_EQ(signer.sign("POST", "https://h.example/token", grant, 90s).timestamp, 1700000090);
  EXPECT_EQ(signer.sign("POST", "https://h.example/token", grant, -3600s).timestamp, 1699996400);
  EXPECT_EQ(signer.sign("POST", "https://h.example/token", grant, 0s).timestamp, 1700000000);

  // The offset is part of what is signed: same as signing at the shifted time directly.
  signature_input in;
  in.url = "https://h.example/token";
  in.body = &grant;
  in.consumer_key = "key";
  in.consumer_secret = "secret";
  in.nonce = "n";
  in.timestamp = 1700000090;
  EXPECT_EQ(signer.sign("POST", "https://h.example/token", grant, 90s).authorization_header,
            sign_request(in).authorization_header);
}

TEST(RequestSigner, TruncatesSubSecondTime) {
  request_signer signer(
      "key", secret_string(std::string_view("secret")), [] { return at(1700000000) + 999ms; },
      [] { return std::string("n"); });
  EXPECT_EQ(signer.sign("POST", "https://h.example/token", grant).timestamp, 1700000000);
}

TEST(RequestSigner, DefaultSourcesUseTheSystemClockAndRandomNonces) {
  request_signer signer("key", secret_string(std::string_view("secret")));
  const auto before =
      std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch());
  signed_request a = signer.sign("POST", "https://h.example/token", grant);
  signed_request b = signer.sign("POST", "https://h.example/token", grant);
  const auto after =
      std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch());
  EXPECT_GE(a.timestamp, before.count());
  EXPECT_LE(b.timestamp, after.count());
  EXPECT_EQ(a.nonce.size(), 32u);
  EXPECT_NE(a.nonce, b.nonce);
}

TEST(RequestSigner, SigningAParsedEndpointEqualsSigningItsUrl) {
  // The SDK parses the endpoint once (parse_endpoint) and signs with it; the URL-taking overload
  // parses on every call. Both give the same signature, queries included.
  request_signer signer(
      "key", secret_string(std::string_view("s+e/c=r&e~t% *x")), [] { return at(1700000000); },
      [] { return std::string("n"); });
  for (std::string_view url :
       {"https://account.api.here.com/oauth2/token", "https://H.Example:8443/t?b=x+y&a=%2B",
        "http://127.0.0.1:80/", "https://[::1]:4433/oauth2/token?a=1&a=0"}) {
    std::string problem;
    const auto ep = parse_endpoint(url, problem);
    ASSERT_TRUE(ep) << url << ": " << problem;
    EXPECT_EQ(signer.sign("POST", *ep, grant).authorization_header,
              signer.sign("POST", url, grant).authorization_header)
        << url;
    EXPECT_EQ(signature_base_string("POST", *ep, grant), signature_base_string("POST", url, grant));
  }
}

TEST(RequestSigner, UpperCasesTheMethodWithoutTheLocale) {
  // ASCII only: a locale's case mapping must never change what is signed.
  request_signer signer(
      "key", secret_string(std::string_view("secret")), [] { return at(1700000000); },
      [] { return std::string("n"); });
  EXPECT_TRUE(signer.sign("post", "https://h.example/t", grant)
                  .signature_base_string.starts_with("POST&https%3A%2F%2Fh.example%2Ft&"));
  EXPECT_TRUE(
      signature_base_string("get\xC3\xA9", "https://h.example/t", {}).starts_with("GET%C3%A9&"));
}

TEST(RequestSigner, LeavesTheBodyAlone) {
  const parameter_list body{{"grant_type", "client_credentials"}, {"scope", "s"}};
  const parameter_list copy = body;
  request_signer signer("key", secret_string(std::string_view("secret")));
  (void)signer.sign("POST", "https://h.example/token?x=1", body);
  EXPECT_EQ(body, copy);
}

}  // namespace
}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
// The local token server's own signature verifier (tools/here-token-server/signature_verifier.*):
// base string URIs from Host headers, the RFC 5849 example, base64 and the constant-time compare.

#include <gtest/gtest.h>

#include <string>

#include "oauth_header_parser.hpp"
#include "signature_verifier.hpp"

namespace here::oauth::test_support {
namespace {

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

}  // namespace
}  // namespace here::oauth::test_support

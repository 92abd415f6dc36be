// SPDX-License-Identifier: Apache-2.0
// The token endpoint URL as the transport and the request builder see it.
#include <gtest/gtest.h>

#include <here/oauth/credentials.hpp>

#include "credentials/endpoint.hpp"

namespace here::oauth::detail {
namespace {

endpoint parsed(std::string_view url) {
  std::string problem;
  auto ep = parse_endpoint(url, problem);
  EXPECT_TRUE(ep) << url << ": " << problem;
  return ep.value_or(endpoint{});
}

std::string problem_of(std::string_view url) {
  std::string problem;
  EXPECT_FALSE(parse_endpoint(url, problem)) << url;
  return problem;
}

TEST(Endpoint, DefaultsAndExplicitPorts) {
  EXPECT_EQ(parsed("https://account.api.here.com/oauth2/token").port, 443);
  EXPECT_EQ(parsed("http://localhost/oauth2/token").port, 80);
  auto ep = parsed("https://Account.API.here.com:8443/oauth2/token?x=1");
  EXPECT_EQ(ep.host, "account.api.here.com");
  EXPECT_EQ(ep.port, 8443);
  EXPECT_EQ(ep.target, "/oauth2/token?x=1");
  EXPECT_EQ(ep.host_header, "account.api.here.com:8443");
}

TEST(Endpoint, Ipv6LiteralsKeepBracketsOnlyInTheHostHeader) {
  auto ep = parsed("https://[::1]:4433/oauth2/token");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_TRUE(ep.host_is_ip);
  EXPECT_EQ(ep.host_header, "[::1]:4433");
  EXPECT_EQ(ep.authority(), "[::1]:4433");
}

TEST(Endpoint, RefusesPortsThatWouldWrapAround) {
  // Boost.URL 1.81's port_number() gives 443 for 65979: the request must not go to port 443.
  EXPECT_EQ(problem_of("https://example.com:65979/oauth2/token"), "URL has an invalid port");
  EXPECT_EQ(problem_of("https://example.com:0/oauth2/token"), "URL has an invalid port");
  EXPECT_EQ(parsed("https://example.com:65535/oauth2/token").port, 65535);
}

TEST(Endpoint, CarriesWhatTheSignerNeeds) {
  // RFC 5849 §3.4.1.2 and §3.4.1.3.1, computed once when the endpoint is parsed.
  auto ep = parsed("HTTPS://Account.API.here.com:443/OAuth2/Token?b=x+y&a=%2B&a=");
  EXPECT_EQ(ep.base_string_uri, "https://account.api.here.com/OAuth2/Token");
  EXPECT_EQ(ep.query, (parameter_list{{"b", "x y"}, {"a", "+"}, {"a", ""}}));
  EXPECT_EQ(ep.url, "HTTPS://Account.API.here.com:443/OAuth2/Token?b=x+y&a=%2B&a=");

  EXPECT_EQ(parsed("https://h.example:8443").base_string_uri, "https://h.example:8443/");
  EXPECT_EQ(parsed("http://h.example:443/t").base_string_uri, "http://h.example:443/t");
  EXPECT_EQ(parsed("https://[::1]:443/t").base_string_uri, "https://[::1]/t");
  EXPECT_TRUE(parsed("https://h.example/t").query.empty());
}

TEST(Endpoint, TokenEndpointRulesNameWhatIsWrong) {
  EXPECT_EQ(problem_of("not a url"), "not an absolute URL");
  EXPECT_EQ(problem_of("ftp://h/t"), "scheme must be https (or http)");
  EXPECT_EQ(problem_of("https:///t"), "URL has no host");
  EXPECT_EQ(problem_of("https:no-host"), "URL has no host");
  EXPECT_EQ(problem_of("https://user:pw@h/t"), "URL must not contain user information");
  EXPECT_EQ(problem_of("https://h/t#frag"), "URL must not contain a fragment");
  EXPECT_EQ(problem_of("https://h:/t"), "URL has an invalid port");
  EXPECT_EQ(problem_of("https://[v1.x]/t"), "unsupported host (IPvFuture)");
  EXPECT_EQ(problem_of("https://a%20b/t"), "host contains control characters or spaces");
  EXPECT_EQ(problem_of("https://a%0Ab/t"), "host contains control characters or spaces");
}

TEST(Endpoint, CheckEndpointUrlIsTheSameParser) {
  for (std::string_view url : {"https://h/t", "https://h:0/t", "https://user@h/t", "https://h/#f",
                               "https://[v1.x]/t", "https://a%20b/t", "ftp://h/"}) {
    std::string problem;
    parse_endpoint(url, problem);
    EXPECT_EQ(check_endpoint_url(url), problem) << url;
  }
}

TEST(Endpoint, Rfc5849RulesIgnoreWhatIsNotSigned) {
  // What the signer's URL-taking functions accept: user information and a fragment are not part
  // of the base string URI, and an empty port is the default one.
  std::string problem;
  auto ep = parse_endpoint("https://user:pw@H.example:/a?x=1#frag", problem, url_rules::rfc5849);
  ASSERT_TRUE(ep) << problem;
  EXPECT_EQ(ep->base_string_uri, "https://h.example/a");
  EXPECT_EQ(ep->port, 443);
  EXPECT_EQ(ep->query, (parameter_list{{"x", "1"}}));
  // A written port must still be one.
  EXPECT_FALSE(parse_endpoint("https://h.example:65979/t", problem, url_rules::rfc5849));
  EXPECT_EQ(problem, "URL has an invalid port");
  EXPECT_FALSE(parse_endpoint("mailto:someone@example.com", problem, url_rules::rfc5849));
}

}  // namespace
}  // namespace here::oauth::detail

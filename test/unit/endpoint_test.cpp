// The token endpoint URL as the transport and the request builder see it.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "transport/proxy_settings.hpp"

namespace here::oauth::detail {
namespace {

std::optional<proxy_config> parse(std::string_view url) {
  std::string problem;
  auto proxy = parse_proxy_url(url, problem);
  EXPECT_TRUE(proxy) << url << ": " << problem;
  return proxy;
}

std::string problem_of(std::string_view url) {
  std::string problem;
  EXPECT_FALSE(parse_proxy_url(url, problem)) << url;
  return problem;
}

TEST(ProxyUrl, ParsesHostPortAndDefaults) {
  auto p = parse("http://proxy.corp.example:3128");
  EXPECT_EQ(p->host, "proxy.corp.example");
  EXPECT_EQ(p->port, 3128);
  EXPECT_TRUE(p->authorization.empty());
  EXPECT_EQ(p->authority(), "proxy.corp.example:3128");

  p = parse("Proxy.Example:8080/");  // no scheme: http:// is assumed
  EXPECT_EQ(p->host, "proxy.example");
  EXPECT_EQ(p->port, 8080);

  p = parse("http://proxy.example");
  EXPECT_EQ(p->port, 1080);  // curl's default

  p = parse("http://[::1]:3128");
  EXPECT_EQ(p->host, "::1");
  EXPECT_EQ(p->authority(), "[::1]:3128");
}

TEST(ProxyUrl, RefusesPortsThatWouldWrapAround) {
  // Boost.URL 1.81's port_number() gives 443 for 65979; the proxy must not be reached there.
  EXPECT_EQ(problem_of("http://proxy.example:65979"), "the proxy URL has an invalid port");
  EXPECT_EQ(problem_of("http://proxy.example:0"), "the proxy URL has an invalid port");
  EXPECT_EQ(parse("http://proxy.example:65535")->port, 65535);
}

TEST(ProxyUrl, UserInfoBecomesBasicAuthorization) {
  auto p = parse("http://alice:open%20sesame%40x@proxy:3128");
  // base64("alice:open sesame@x")
  EXPECT_EQ(p->authorization.reveal(), "Basic YWxpY2U6b3BlbiBzZXNhbWVAeA==");
  p = parse("http://bob@proxy:3128");
  EXPECT_EQ(p->authorization.reveal(), "Basic Ym9iOg==");  // base64("bob:")
}

TEST(ProxyUrl, RefusesUnsupportedProxiesWithoutRepeatingThePassword) {
  for (const char* url : {"https://user:hunter2@proxy:443", "socks5://user:hunter2@proxy:1080",
                          "http://user:hunter2@proxy:3128/path", "http://user:hunter2@proxy:0",
                          "http://user:hunter2@:3128", "http://user:hunter2@proxy:3128?q=1"}) {
    std::string problem = problem_of(url);
    EXPECT_FALSE(problem.empty()) << url;
    EXPECT_EQ(problem.find("hunter2"), std::string::npos) << problem;
  }
  EXPECT_FALSE(problem_of("").empty());
}

TEST(ProxyUrl, SaysWhatIsWrongAndWhatIsExpected) {
  // A slash short of a scheme: "http:/..." has no "://", so http:// is assumed before it and the
  // rest becomes a path. The password in it is never repeated.
  EXPECT_EQ(problem_of("http:/alice:hunter2@proxy:3128"),
            "the proxy URL has a path after host[:port] (expected "
            "http://[user:password@]host[:port], and without '://' http:// was assumed)");
  EXPECT_EQ(
      problem_of("http://proxy:3128/x"),
      "the proxy URL has a path after host[:port] (expected http://[user:password@]host[:port])");
  EXPECT_EQ(problem_of("http://proxy:3128?via=1"),
            "the proxy URL has a query or fragment (expected http://[user:password@]host[:port])");
  EXPECT_EQ(problem_of("http://proxy example:3128"),
            "not a valid URL (expected http://[user:password@]host[:port])");
  EXPECT_EQ(problem_of("http://alice:hunter2@:3128"),
            "the proxy URL has no host (expected http://[user:password@]host[:port])");
}

TEST(ProxyUrl, AnUnusableEnvironmentVariableIsNamed) {
  request_options options;
  environment_lookup env = [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "HTTPS_PROXY")
      return std::string("http:/alice:hunter2@proxy:3128");
    return std::nullopt;
  };
  proxy_choice choice = select_proxy(options, true, "account.api.here.com", 443, env);
  EXPECT_FALSE(choice.proxy);
  EXPECT_EQ(choice.problem.rfind("environment variable HTTPS_PROXY: the proxy URL has a path", 0),
            0u)
      << choice.problem;
  EXPECT_EQ(choice.problem.find("hunter2"), std::string::npos) << choice.problem;
}

TEST(NoProxy, WildcardAndDomains) {
  EXPECT_TRUE(no_proxy_matches("*", "account.api.here.com", 443));
  EXPECT_TRUE(no_proxy_matches("here.com", "here.com", 443));
  EXPECT_TRUE(no_proxy_matches("here.com", "account.api.here.com", 443));
  EXPECT_TRUE(no_proxy_matches(".here.com", "account.api.here.com", 443));
  EXPECT_TRUE(no_proxy_matches(".here.com", "here.com", 443));
  EXPECT_TRUE(no_proxy_matches("*.here.com", "api.here.com", 443));
  EXPECT_FALSE(no_proxy_matches("here.com", "nothere.com", 443));
  EXPECT_FALSE(no_proxy_matches("api.here.com", "here.com", 443));
  EXPECT_TRUE(no_proxy_matches("HERE.COM", "Account.Here.Com", 443));
  EXPECT_TRUE(no_proxy_matches("here.com.", "api.here.com", 443));
  EXPECT_FALSE(no_proxy_matches("", "here.com", 443));
  EXPECT_FALSE(no_proxy_matches(".", "here.com", 443));
}

TEST(NoProxy, ListsWithSpacesAndPorts) {
  const char* list = "localhost, .internal.example ,example.org:8443\t10.1.2.3";
  EXPECT_TRUE(no_proxy_matches(list, "localhost", 443));
  EXPECT_TRUE(no_proxy_matches(list, "svc.internal.example", 443));
  EXPECT_TRUE(no_proxy_matches(list, "example.org", 8443));
  EXPECT_FALSE(no_proxy_matches(list, "example.org", 443));
  EXPECT_TRUE(no_proxy_matches(list, "10.1.2.3", 443));
  EXPECT_FALSE(no_proxy_matches(list, "10.1.2.4", 443));
  EXPECT_FALSE(no_proxy_matches(list, "account.api.here.com", 443));
}

TEST(NoProxy, IpLiteralsAndCidrBlocks) {
  EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1", 4433));
  EXPECT_TRUE(no_proxy_matches("::1", "::1", 4433));
  EXPECT_TRUE(no_proxy_matches("[::1]", "::1", 4433));
  EXPECT_TRUE(no_proxy_matches("[::1]:4433", "::1", 4433));
  EXPECT_FALSE(no_proxy_matches("[::1]:4433", "::1", 443));
  EXPECT_TRUE(no_proxy_matches("0:0::1", "[::1]", 443));
  EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.200.3.4", 443));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "11.0.0.1", 443));
  EXPECT_TRUE(no_proxy_matches("192.168.1.0/24", "192.168.1.77", 443));
  EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd12::1", 443));
  EXPECT_FALSE(no_proxy_matches("fd00::/8", "fe80::1", 443));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example", 443));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/33", "10.0.0.1", 443));
  EXPECT_FALSE(no_proxy_matches("127.0.0.1", "localhost", 443));  // no resolution
}

/// A fake environment for select_proxy.
environment_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty())
      return std::nullopt;
    return it->second;
  };
}

TEST(SelectProxy, ExplicitProxyWins) {
  request_options options;
  options.proxy = "http://explicit:3128";
  auto env = fake_env({{"HTTPS_PROXY", "http://env:8080"}, {"NO_PROXY", "*"}});
  auto choice = select_proxy(options, true, "account.api.here.com", 443, env);
  ASSERT_TRUE(choice.proxy);
  EXPECT_EQ(choice.proxy->host, "explicit");
  EXPECT_EQ(choice.proxy->source, "request_options::proxy");
  // Also for plain http endpoints.
  EXPECT_TRUE(select_proxy(options, false, "127.0.0.1", 80, env).proxy);
}

TEST(SelectProxy, EnvironmentLowerCaseFirstAndNoProxy) {
  request_options options;
  auto env = fake_env({{"https_proxy", "http://lower:1"}, {"HTTPS_PROXY", "http://upper:2"}});
  auto choice = select_proxy(options, true, "account.api.here.com", 443, env);
  ASSERT_TRUE(choice.proxy);
  EXPECT_EQ(choice.proxy->host, "lower");
  EXPECT_EQ(choice.proxy->source, "https_proxy");

  env = fake_env({{"HTTPS_PROXY", "http://upper:2"}, {"NO_PROXY", ".here.com"}});
  EXPECT_FALSE(select_proxy(options, true, "account.api.here.com", 443, env).proxy);
  EXPECT_TRUE(select_proxy(options, true, "example.com", 443, env).proxy);

  env =
      fake_env({{"HTTPS_PROXY", "http://upper:2"}, {"no_proxy", "example.com"}, {"NO_PROXY", "*"}});
  EXPECT_FALSE(select_proxy(options, true, "example.com", 443, env).proxy);
  EXPECT_TRUE(select_proxy(options, true, "other.com", 443, env).proxy);  // no_proxy wins
}

TEST(SelectProxy, EnvironmentCanBeIgnored) {
  request_options options;
  auto env = fake_env({{"HTTPS_PROXY", "http://upper:2"}});
  options.use_environment_proxy = false;
  EXPECT_FALSE(select_proxy(options, true, "example.com", 443, env).proxy);
  options.use_environment_proxy = true;
  EXPECT_FALSE(select_proxy(options, false, "example.com", 80, env).proxy);  // not for http://
  EXPECT_FALSE(select_proxy(options, true, "example.com", 443, fake_env({})).proxy);
}

TEST(SelectProxy, InvalidProxyIsAProblemNamingTheSourceNotThePassword) {
  request_options options;
  auto choice = select_proxy(options, true, "example.com", 443,
                             fake_env({{"HTTPS_PROXY", "https://u:hunter2@proxy:443"}}));
  EXPECT_FALSE(choice.proxy);
  EXPECT_NE(choice.problem.find("HTTPS_PROXY"), std::string::npos) << choice.problem;
  EXPECT_EQ(choice.problem.find("hunter2"), std::string::npos) << choice.problem;

  options.proxy = "ftp://proxy";
  choice = select_proxy(options, true, "example.com", 443, fake_env({}));
  EXPECT_NE(choice.problem.find("request_options::proxy"), std::string::npos);
}

}  // namespace
}  // namespace here::oauth::detail

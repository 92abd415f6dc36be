// SPDX-License-Identifier: Apache-2.0
// here-token's command line: option parsing, its errors, --help and --version
// (tools/here-token/arguments.*). Compiled only when the tools are built (the here_token_cli
// library provides the header).
#if __has_include("here-token/arguments.hpp")

#include "here-token/arguments.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include <here/oauth/version.hpp>

namespace {

using namespace here::oauth::cli;
using namespace std::chrono_literals;

parse_result parse(std::vector<std::string_view> args) {
  return parse_options(std::span<const std::string_view>(args));
}

TEST(HereTokenOptions, DefaultsWithoutArguments) {
  const parse_result r = parse({});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.credentials_file, "");
  EXPECT_EQ(r.value.scope, "");
  EXPECT_FALSE(r.value.expires_in);
  EXPECT_EQ(r.value.ca_file, "");
  EXPECT_EQ(r.value.timeout, 30s);
  EXPECT_EQ(r.value.format, output_format::token);
  EXPECT_FALSE(r.value.verbose);
  EXPECT_FALSE(r.value.help);
  EXPECT_FALSE(r.value.version);
}

TEST(HereTokenOptions, EveryOptionWithSeparateValue) {
  const parse_result r =
      parse({"--credentials", "/etc/here.properties", "--scope",
             "hrn:here:authorization::o:project/p", "--expires-in", "600", "--ca-file", "ca.pem",
             "--timeout", "7", "--format", "json", "--verbose"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.credentials_file, "/etc/here.properties");
  EXPECT_EQ(r.value.scope, "hrn:here:authorization::o:project/p");
  EXPECT_EQ(r.value.expires_in, 600s);
  EXPECT_EQ(r.value.ca_file, "ca.pem");
  EXPECT_EQ(r.value.timeout, 7s);
  EXPECT_EQ(r.value.format, output_format::json);
  EXPECT_TRUE(r.value.verbose);
}

TEST(HereTokenOptions, ValuesAfterEqualsSign) {
  const parse_result r = parse({"--scope=hrn:a=b", "--format=header", "--timeout=1",
                                "--expires-in=1", "--credentials=c=d.properties"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.scope, "hrn:a=b");  // only the first '=' separates
  EXPECT_EQ(r.value.format, output_format::header);
  EXPECT_EQ(r.value.timeout, 1s);
  EXPECT_EQ(r.value.expires_in, 1s);
  EXPECT_EQ(r.value.credentials_file, "c=d.properties");
}

TEST(HereTokenOptions, RepeatedOptionKeepsTheLastValue) {
  const parse_result r = parse({"--format", "json", "--format", "token"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.format, output_format::token);
}

TEST(HereTokenOptions, ValueMayStartWithDashes) {
  // The argument after an option that takes a value is its value, whatever it looks like.
  const parse_result r = parse({"--credentials", "--verbose"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.credentials_file, "--verbose");
  EXPECT_FALSE(r.value.verbose);
}

TEST(HereTokenOptions, HelpAndVersionStopParsing) {
  EXPECT_TRUE(parse({"--help"}).value.help);
  EXPECT_TRUE(parse({"-h"}).value.help);
  EXPECT_TRUE(parse({"--version"}).value.version);
  const parse_result r = parse({"--verbose", "--help", "--no-such-option"});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.value.help);
  EXPECT_FALSE(parse({"--no-such-option", "--help"}).ok());
}

TEST(HereTokenOptions, ErrorsNameTheProblem) {
  struct bad_case {
    std::vector<std::string_view> args;
    std::string_view expected;
  };
  const std::vector<bad_case> cases = {
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"--bogus=1"}, "unknown option '--bogus'"},
      {{"-x"}, "unknown option '-x'"},
      {{"token"}, "unexpected argument 'token'"},
      {{"--scope"}, "--scope needs a value"},
      {{"--scope="}, "--scope needs a project HRN"},
      {{"--credentials="}, "--credentials needs a file name"},
      {{"--ca-file", ""}, "--ca-file needs a PEM file name"},
      {{"--format", "yaml"}, "--format must be token, header or json, not 'yaml'"},
      {{"--timeout", "0"}, "--timeout needs a whole number of seconds from 1 to 3600, not '0'"},
      {{"--timeout", "3601"}, "from 1 to 3600"},
      {{"--timeout", "1.5"}, "not '1.5'"},
      {{"--timeout", "-1"}, "not '-1'"},
      {{"--timeout", " 5"}, "not ' 5'"},
      {{"--timeout", "99999999999999999999999"}, "from 1 to 3600"},
      {{"--expires-in", "abc"}, "--expires-in needs a whole number of seconds from 1 to 2592000"},
      {{"--expires-in", ""}, "--expires-in needs a whole number"},
      {{"--verbose=yes"}, "--verbose takes no value"},
  };
  for (const auto& c : cases) {
    const parse_result r = parse(c.args);
    EXPECT_FALSE(r.ok()) << c.expected;
    EXPECT_NE(r.error.find(c.expected), std::string::npos)
        << "error '" << r.error << "' lacks '" << c.expected << "'";
    EXPECT_EQ(r.error.find('\n'), std::string::npos) << r.error;
  }
}

TEST(HereTokenOptions, ArgvOverloadSkipsProgramName) {
  const char* argv[] = {"here-token", "--format", "header"};
  const parse_result r = parse_options(3, argv);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.format, output_format::header);
}

TEST(HereTokenOptions, UsageMentionsEveryOptionAndExitCode) {
  const std::string_view text = usage_text();
  for (std::string_view option : {"--credentials", "--scope", "--expires-in", "--ca-file",
                                  "--timeout", "--format", "--verbose", "--help", "--version"}) {
    EXPECT_NE(text.find(option), std::string_view::npos) << option;
  }
  for (std::string_view code :
       {"0 token printed", "2 bad arguments", "3 credentials", "4 refused", "5 no valid answer"}) {
    EXPECT_NE(text.find(code), std::string_view::npos) << code;
  }
  EXPECT_EQ(version_line(),
            std::string("here-token ") + HERE_OAUTH_VERSION_STRING + " (here-oauth-cpp)");
}

TEST(HereTokenOptions, NumericBoundsAreInclusive) {
  const parse_result low = parse({"--timeout", "1", "--expires-in", "1"});
  ASSERT_TRUE(low.ok()) << low.error;
  EXPECT_EQ(low.value.timeout, 1s);
  EXPECT_EQ(low.value.expires_in, 1s);
  const parse_result high = parse({"--timeout", "3600", "--expires-in", "2592000"});
  ASSERT_TRUE(high.ok()) << high.error;
  EXPECT_EQ(high.value.timeout, std::chrono::seconds(max_timeout_seconds));
  EXPECT_EQ(high.value.expires_in, std::chrono::seconds(max_expires_in_seconds));
  EXPECT_FALSE(parse({"--expires-in", "2592001"}).ok());
}

}  // namespace

#endif  // __has_include("here-token/arguments.hpp")

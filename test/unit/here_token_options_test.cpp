// The here-token CLI's pure part: option parsing, exit codes, output formats, one-line errors.
// Compiled only when the tools are built (the here_token_cli library provides the header).
#if __has_include("here_token_options.hpp")

#include "here_token_options.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/system_error.hpp>

#include <here/oauth/credentials.hpp>
#include <here/oauth/version.hpp>

namespace {

using namespace here::oauth;
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

TEST(HereTokenExitCodes, EachErrorHasItsCode) {
  EXPECT_EQ(exit_code_for({}), exit_code::success);
  for (error e : {error::credentials_file_unreadable, error::credentials_malformed,
                  error::credentials_missing, error::invalid_endpoint_url,
                  error::credentials_not_found, error::insecure_url_refused}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::credentials) << static_cast<int>(e);
  }
  EXPECT_EQ(exit_code_for(make_error_code(error::invalid_option)), exit_code::usage);
  for (error e : {error::signature_rejected, error::timestamp_rejected, error::request_rejected,
                  error::redirect_refused}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::refused) << static_cast<int>(e);
  }
  for (error e :
       {error::rate_limited, error::server_error, error::malformed_response,
        error::response_too_large, error::timeout, error::proxy_error, error::backing_off}) {
    EXPECT_EQ(exit_code_for(make_error_code(e)), exit_code::unavailable) << static_cast<int>(e);
  }
  EXPECT_EQ(exit_code_for(boost::asio::error::connection_refused), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::error::host_not_found), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::ssl::error::stream_truncated), exit_code::unavailable);
  EXPECT_EQ(exit_code_for(boost::asio::error::operation_aborted), exit_code::unavailable);
  EXPECT_EQ(static_cast<int>(exit_code::usage), 2);
  EXPECT_EQ(static_cast<int>(exit_code::credentials), 3);
  EXPECT_EQ(static_cast<int>(exit_code::refused), 4);
  EXPECT_EQ(static_cast<int>(exit_code::unavailable), 5);
}

access_token sample_token() {
  access_token t;
  t.value = "tok.en-value_123";
  t.token_type = "bearer";
  t.expires_at = std::chrono::sys_days{std::chrono::year{2026} / 11 / 29} + 22h + 1min + 46s;
  return t;
}

TEST(HereTokenOutput, TokenAndHeaderFormats) {
  const access_token t = sample_token();
  EXPECT_EQ(format_token(output_format::token, t, t.expires_at - 3600s), "tok.en-value_123\n");
  EXPECT_EQ(format_token(output_format::header, t, t.expires_at - 3600s),
            "Authorization: Bearer tok.en-value_123\n");
}

TEST(HereTokenOutput, JsonFormat) {
  access_token t = sample_token();
  const auto now = t.expires_at - 3599s - 400ms;
  EXPECT_EQ(format_token(output_format::json, t, now),
            "{\"access_token\":\"tok.en-value_123\",\"token_type\":\"bearer\",\"expires_in\":3599,"
            "\"expires_at\":\"2026-11-29T22:01:46Z\",\"scope\":null}\n");
  t.scope = "hrn:here:authorization::org1:project/p\"1";
  EXPECT_EQ(format_token(output_format::json, t, t.expires_at + 5s),
            "{\"access_token\":\"tok.en-value_123\",\"token_type\":\"bearer\",\"expires_in\":0,"
            "\"expires_at\":\"2026-11-29T22:01:46Z\","
            "\"scope\":\"hrn:here:authorization::org1:project/p\\\"1\"}\n");
}

TEST(HereTokenOutput, Iso8601) {
  using namespace std::chrono;
  EXPECT_EQ(format_iso8601_utc(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601_utc(sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s + 999ms),
            "2024-02-29T23:59:59Z");
  EXPECT_EQ(format_iso8601_utc(sys_days{year{2038} / 1 / 19} + 3h + 14min + 8s),
            "2038-01-19T03:14:08Z");
}

TEST(HereTokenOutput, JsonEscape) {
  EXPECT_EQ(json_escape("plain"), "plain");
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("\n\r\t"), "\\n\\r\\t");
  EXPECT_EQ(json_escape(std::string_view("\x01\x1f\x7f", 3)), "\\u0001\\u001f\\u007f");
  EXPECT_EQ(json_escape("é"), "é");
}

TEST(HereTokenOutput, OneLine) {
  EXPECT_EQ(one_line("a\nb\r\nc\t d  "), "a b c d");
  EXPECT_EQ(one_line("\n\nx"), "x");
  EXPECT_EQ(one_line(""), "");
}

TEST(HereTokenOutput, RedactSecret) {
  EXPECT_EQ(redact_secret("key s3cr3t and s3cr3t", "s3cr3t"), "key <redacted> and <redacted>");
  EXPECT_EQ(redact_secret("abc", "ab"), "abc");  // too short to tell from ordinary text
  EXPECT_EQ(redact_secret("no secret here", "zzzzzz"), "no secret here");
  // A secret that contains the replacement text does not loop.
  EXPECT_EQ(redact_secret("x<redacted>y", "<redacted>"), "x<redacted>y");
}

TEST(HereTokenOutput, WithoutErrorCodeSuffix) {
  EXPECT_EQ(without_error_code_suffix("no HERE credentials found [here.oauth:5]"),
            "no HERE credentials found");
  EXPECT_EQ(without_error_code_suffix("x: y [system:111 at /usr/include/a.hpp:12:3 in f]"), "x: y");
  EXPECT_EQ(without_error_code_suffix("keeps [this]"), "keeps [this]");
  EXPECT_EQ(without_error_code_suffix("keeps [a b:1]"), "keeps [a b:1]");
  EXPECT_EQ(without_error_code_suffix("plain"), "plain");
  const credentials_error e(make_error_code(error::credentials_missing),
                            "environment: X is not set");
  EXPECT_EQ(without_error_code_suffix(e.what()),
            "environment: X is not set: required credential is missing or empty");
}

TEST(HereTokenOutput, DescribeFailureIsOneLineWithHereDetails) {
  error_details d;
  d.http_status = 401;
  d.error_code = "401300";
  d.error_id = "ERROR-1";
  d.message = "Signature mismatch.\nAuthorization signature or client credential is wrong.";
  const std::string line =
      describe_failure("https://h/oauth2/token", make_error_code(error::signature_rejected), d);
  EXPECT_EQ(line,
            "token request to https://h/oauth2/token refused: token endpoint rejected the "
            "credentials or signature (HTTP 401, errorCode 401300, errorId ERROR-1, Signature "
            "mismatch. Authorization signature or client credential is wrong.)");
  EXPECT_EQ(describe_failure("https://h/", boost::asio::error::connection_refused, {}),
            "token request to https://h/ failed: Connection refused");
  EXPECT_EQ(describe_failure("https://h/", boost::asio::error::operation_aborted, {}),
            "token request to https://h/ failed: cancelled");
}

TEST(HereTokenOutput, DescribeEvents) {
  provider_event e;
  e.type = provider_event::kind::request_started;
  EXPECT_EQ(describe_event(e), "request started");
  e.attempt = 2;
  e.clock_offset = -42s;
  EXPECT_EQ(describe_event(e), "request started (attempt 2), clock offset -42 s");

  e = {};
  e.type = provider_event::kind::request_succeeded;
  e.duration = 120ms;
  e.token_preview = redact_token(std::string(900, 'a'));
  e.expires_at = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 3h;
  EXPECT_EQ(describe_event(e),
            "request succeeded in 120 ms: token aaaaaaaa...(900 chars), expires at "
            "2026-01-02T03:00:00Z");

  e = {};
  e.type = provider_event::kind::request_failed;
  e.duration = 5ms;
  e.error = make_error_code(error::server_error);
  e.details.http_status = 503;
  e.retry_in = 250ms;
  EXPECT_EQ(describe_event(e),
            "request failed in 5 ms: token endpoint server error (HTTP 503); retrying in 250 ms");
  e.retry_in = std::chrono::milliseconds(-1);
  EXPECT_EQ(describe_event(e),
            "request failed in 5 ms: token endpoint server error (HTTP 503); no retry");

  e = {};
  e.type = provider_event::kind::warning;
  e.details.message = "credentials file '/c' is readable by group or others (mode 0644)";
  EXPECT_EQ(describe_event(e),
            "warning: credentials file '/c' is readable by group or others (mode 0644)");
}

}  // namespace

#endif  // __has_include("here_token_options.hpp")

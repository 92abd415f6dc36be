// SPDX-License-Identifier: Apache-2.0
// What here-token writes on stderr (tools/here-token/diagnostics.*): one line per failure, warning
// or --verbose phase, without the secret or a whole token. Compiled only when the tools are built.
#if __has_include("here-token/diagnostics.hpp")

#include "here-token/diagnostics.hpp"

#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>

namespace {

using namespace here::oauth;
using namespace here::oauth::cli;
using namespace std::chrono_literals;

TEST(HereTokenDiagnostics, OneLine) {
  EXPECT_EQ(one_line("a\nb\r\nc\t d  "), "a b c d");
  EXPECT_EQ(one_line("\n\nx"), "x");
  EXPECT_EQ(one_line(""), "");
}

TEST(HereTokenDiagnostics, RedactSecret) {
  EXPECT_EQ(redact_secret("key s3cr3t and s3cr3t", "s3cr3t"), "key <redacted> and <redacted>");
  EXPECT_EQ(redact_secret("abc", "ab"), "abc");  // too short to tell from ordinary text
  EXPECT_EQ(redact_secret("no secret here", "zzzzzz"), "no secret here");
  // A secret that contains the replacement text does not loop.
  EXPECT_EQ(redact_secret("x<redacted>y", "<redacted>"), "x<redacted>y");
}

TEST(HereTokenDiagnostics, WithoutErrorCodeSuffix) {
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

TEST(HereTokenDiagnostics, DescribeFailureIsOneLineWithHereDetails) {
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

TEST(HereTokenDiagnostics, DescribeEvents) {
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

TEST(HereTokenDiagnostics, DescribeTimeoutNamesTheDeadlineAndTheLastAttempt) {
  EXPECT_EQ(describe_timeout("https://h/oauth2/token", 30s, nullptr),
            "token request to https://h/oauth2/token failed: no token within 30 s (--timeout), "
            "timed out");
  provider_event last;
  last.type = provider_event::kind::request_failed;
  last.error = make_error_code(error::timeout);
  EXPECT_EQ(describe_timeout("https://h/", 1s, &last),
            "token request to https://h/ failed: no token within 1 s (--timeout), timed out; last "
            "attempt: token request timed out");
  last.error = make_error_code(error::server_error);
  last.details.http_status = 503;
  last.details.message = "down\nfor now";
  EXPECT_EQ(describe_timeout("https://h/", 1s, &last),
            "token request to https://h/ failed: no token within 1 s (--timeout), timed out; last "
            "attempt: token endpoint server error (HTTP 503, down for now)");
}

TEST(HereTokenDiagnostics, ConfigurationErrorsUseTheCliOptionNames) {
  error_details d;
  d.message = "request_options::ca_file '/x.pem' cannot be read; request_options::ca_file again";
  const token_error e(make_error_code(error::invalid_option), d);
  EXPECT_EQ(describe_configuration_error(e),
            "invalid option: --ca-file '/x.pem' cannot be read; --ca-file again");
  d.message = "request_options::requested_lifetime and request_options::request_timeout";
  EXPECT_EQ(describe_configuration_error(token_error(make_error_code(error::invalid_option), d)),
            "invalid option: --expires-in and --timeout");
  EXPECT_EQ(describe_configuration_error(
                token_error(make_error_code(error::insecure_url_refused), error_details{})),
            "plain http:// token endpoint refused (allow_plain_http is off)");
}

TEST(HereTokenDiagnostics, VerbosePreambleNamesTheKeyIdButNotTheSecret) {
  credentials c;
  c.access_key_id = "KEY-ID";
  c.access_key_secret = secret_string("the-secret-value");
  c.source = "/home/me/.here/credentials.properties";
  const std::string line = describe_credentials(c);
  EXPECT_EQ(line, "credentials from /home/me/.here/credentials.properties (key id KEY-ID)");
  EXPECT_EQ(line.find("the-secret-value"), std::string::npos);

  options args;
  EXPECT_EQ(describe_request(args, "https://h/oauth2/token"),
            "endpoint https://h/oauth2/token, no scope, deadline 30 s");
  args.scope = "hrn:here:authorization::o:project/p";
  args.expires_in = 600s;
  args.ca_file = "/ca.pem";
  args.timeout = 5s;
  EXPECT_EQ(describe_request(args, "https://h/"),
            "endpoint https://h/, scope hrn:here:authorization::o:project/p, expires_in 600 s, "
            "extra CA file /ca.pem, deadline 5 s");
}

TEST(HereTokenDiagnostics, WritesPrefixedSingleLinesWithTheSecretRedacted) {
  std::ostringstream err;
  diagnostics out(err);
  out.line("before the secret is known: s3cr3t-value");
  out.hide(secret_string("s3cr3t-value"));
  out.line("server said\nsomething about s3cr3t-value\r\n");
  out.warning("file readable by others");
  EXPECT_EQ(err.str(),
            "here-token: before the secret is known: s3cr3t-value\n"
            "here-token: server said something about <redacted>\n"
            "here-token: warning: file readable by others\n");
}

}  // namespace

#endif  // __has_include("here-token/diagnostics.hpp")

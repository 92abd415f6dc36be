// SPDX-License-Identifier: Apache-2.0
#pragma once

// What here-token writes on stderr: one line per failure, warning or --verbose phase, each
// "here-token: …", on one line, without the secret and never a whole token (docs/here-token.md).
// The describe_* functions are pure; the diagnostics class writes. Unit-tested in
// test/unit/here_token_diagnostics_test.cpp.

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/provider_options.hpp>
#include <here/oauth/secret_string.hpp>

#include "arguments.hpp"

namespace here::oauth::cli {

/// text on one line: every CR, LF, tab and other control character becomes a space, and runs of
/// spaces are collapsed, so a server message cannot break the one-line error rule.
std::string one_line(std::string_view text);

/// what() of a boost::system::system_error without the " [category:value]" (or
/// " [category:value at file:line]") that Boost appends: the message has said it in words already.
std::string without_error_code_suffix(std::string_view what);

/// text with every occurrence of secret replaced by "<redacted>" (a last line of defence: the SDK
/// never puts the secret into a message). Secrets shorter than 4 characters are left alone, as
/// they would match ordinary text.
std::string redact_secret(std::string text, std::string_view secret);

/// The one error line (without the "here-token: " prefix) for a failed token request to
/// endpoint: what failed, the error's message, and HERE's errorCode, errorId and message when
/// the server sent them, e.g. "token request to https://h/oauth2/token refused: token endpoint
/// rejected the credentials or signature (HTTP 401, errorCode 401300, errorId E1, message ...)".
std::string describe_failure(std::string_view endpoint, const boost::system::error_code& ec,
                             const error_details& details);

/// The error line when --timeout passed before a token came: "token request to <endpoint>
/// failed: no token within N s (--timeout), timed out", plus "; last attempt: <error> (<details>)"
/// when an attempt had failed before.
std::string describe_timeout(std::string_view endpoint, std::chrono::seconds timeout,
                             const provider_event* last_failure);

/// The error line for options the SDK refused when the provider was built (an unreadable
/// --ca-file…): the error's message and the SDK's explanation, with the SDK's option names
/// (request_options::ca_file) replaced by the CLI's (--ca-file).
std::string describe_configuration_error(const token_error& e);

/// The two --verbose lines before the request: where the credentials come from (and their key
/// id, never the secret), then the endpoint, scope, lifetime, CA file and deadline.
std::string describe_credentials(const credentials& creds);
std::string describe_request(const options& args, std::string_view endpoint);

/// One --verbose line (without prefix) for a provider event. Contains a redacted token preview
/// at most, never a whole token and never the secret.
std::string describe_event(const provider_event& event);

/// Writes lines on stderr (or any stream): "here-token: " + one_line(text), with the secret, once
/// known, replaced by "<redacted>".
class diagnostics {
 public:
  explicit diagnostics(std::ostream& err) : err_(err) {}

  /// From now on, occurrences of secret are redacted.
  void hide(const secret_string& secret) { secret_ = secret; }

  void line(std::string_view text) const;
  /// "here-token: warning: " + text.
  void warning(std::string_view text) const;

 private:
  std::ostream& err_;
  secret_string secret_;  // wiped when here-token exits
};

}  // namespace here::oauth::cli

// SPDX-License-Identifier: Apache-2.0
#include "diagnostics.hpp"

#include <ostream>
#include <utility>

#include <boost/asio/error.hpp>

#include "exit_codes.hpp"
#include "output.hpp"

namespace here::oauth::cli {
namespace {

/// " (<details>)" when the server or the SDK said something, else "".
std::string in_parentheses(const error_details& details) {
  const std::string said = to_string(details);
  return said.empty() ? std::string() : " (" + said + ")";
}

/// Option names of the SDK's messages, as the CLI user knows them.
std::string in_cli_terms(std::string message) {
  static constexpr std::pair<std::string_view, std::string_view> names[] = {
      {"request_options::ca_file", "--ca-file"},
      {"request_options::requested_lifetime", "--expires-in"},
      {"request_options::request_timeout", "--timeout"},
  };
  for (const auto& [from, to] : names) {
    for (auto at = message.find(from); at != std::string::npos; at = message.find(from, at)) {
      message.replace(at, from.size(), to);
    }
  }
  return message;
}

}  // namespace

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const char put = (u < 0x20 || u == 0x7F) ? ' ' : c;
    if (put == ' ' && (out.empty() || out.back() == ' '))
      continue;
    out += put;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

std::string without_error_code_suffix(std::string_view what) {
  if (!what.ends_with(']'))
    return std::string(what);
  const auto open = what.rfind(" [");
  if (open == std::string_view::npos)
    return std::string(what);
  // "[name:value]" or "[name:value at file:line...]": a category name, a colon, digits.
  std::string_view inside = what.substr(open + 2, what.size() - open - 3);
  if (auto at = inside.find(" at "); at != std::string_view::npos)
    inside = inside.substr(0, at);
  const auto colon = inside.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == inside.size())
    return std::string(what);
  for (std::size_t i = colon + 1; i < inside.size(); ++i) {
    const char c = inside[i];
    if ((c < '0' || c > '9') && !(c == '-' && i == colon + 1))
      return std::string(what);
  }
  if (inside.substr(0, colon).find(' ') != std::string_view::npos)
    return std::string(what);
  return std::string(what.substr(0, open));
}

std::string redact_secret(std::string text, std::string_view secret) {
  if (secret.size() < 4)
    return text;
  constexpr std::string_view replacement = "<redacted>";
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + replacement.size())) {
    text.replace(at, secret.size(), replacement);
  }
  return text;
}

std::string describe_failure(std::string_view endpoint, const boost::system::error_code& ec,
                             const error_details& details) {
  std::string line = "token request to " + std::string(endpoint);
  line += exit_code_for(ec) == exit_code::refused ? " refused: " : " failed: ";
  if (ec == boost::asio::error::operation_aborted) {
    line += "cancelled";
  } else {
    line += ec.message();
  }
  line += in_parentheses(details);
  return one_line(line);
}

std::string describe_timeout(std::string_view endpoint, std::chrono::seconds timeout,
                             const provider_event* last_failure) {
  std::string line = "token request to " + std::string(endpoint) + " failed: no token within " +
                     std::to_string(timeout.count()) + " s (--timeout), timed out";
  if (last_failure != nullptr) {
    line += "; last attempt: " + last_failure->error.message();
    line += in_parentheses(last_failure->details);
  }
  return one_line(line);
}

std::string describe_configuration_error(const token_error& e) {
  std::string text = e.code().message();
  if (!e.details().message.empty())
    text += ": " + e.details().message;
  return one_line(in_cli_terms(text));
}

std::string describe_credentials(const credentials& creds) {
  return one_line("credentials from " + creds.source + " (key id " + creds.access_key_id + ")");
}

std::string describe_request(const options& args, std::string_view endpoint) {
  std::string line = "endpoint " + std::string(endpoint);
  line += args.scope.empty() ? ", no scope" : ", scope " + args.scope;
  if (args.expires_in)
    line += ", expires_in " + std::to_string(args.expires_in->count()) + " s";
  if (!args.ca_file.empty())
    line += ", extra CA file " + args.ca_file;
  line += ", deadline " + std::to_string(args.timeout.count()) + " s";
  return one_line(line);
}

std::string describe_event(const provider_event& event) {
  std::string line;
  const std::string attempt =
      event.attempt > 1 ? " (attempt " + std::to_string(event.attempt) + ")" : std::string();
  switch (event.type) {
    case provider_event::kind::request_started:
      line = "request started" + attempt;
      if (event.clock_offset.count() != 0) {
        line += ", clock offset " + std::to_string(event.clock_offset.count()) + " s";
      }
      break;
    case provider_event::kind::request_succeeded:
      line = "request succeeded" + attempt + " in " + std::to_string(event.duration.count()) +
             " ms: token " + event.token_preview + ", expires at " +
             format_iso8601_utc(event.expires_at);
      break;
    case provider_event::kind::request_failed:
      line = "request failed" + attempt + " in " + std::to_string(event.duration.count()) +
             " ms: " + event.error.message() + in_parentheses(event.details);
      if (event.retry_in.count() >= 0) {
        line += "; retrying in " + std::to_string(event.retry_in.count()) + " ms";
      } else {
        line += "; no retry";
      }
      break;
    case provider_event::kind::warning:
      line = "warning: " + event.details.message;
      break;
    case provider_event::kind::credentials_reloaded:
      line = event.details.message;
      break;
  }
  return one_line(line);
}

void diagnostics::line(std::string_view text) const {
  err_ << "here-token: " << redact_secret(one_line(text), secret_.reveal()) << '\n';
}

void diagnostics::warning(std::string_view text) const {
  line("warning: " + std::string(text));
}

}  // namespace here::oauth::cli

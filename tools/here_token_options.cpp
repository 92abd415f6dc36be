#include "here_token_options.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

#include <boost/asio/error.hpp>

#include <here/oauth/version.hpp>

namespace here::oauth::cli {
namespace {

constexpr std::string_view usage =
    "usage: here-token [options]\n"
    "Prints a HERE access token, like `gcloud auth print-access-token`.\n"
    "\n"
    "  --credentials FILE    HERE credentials.properties to use (default: HERE_ACCESS_KEY_ID/\n"
    "                        HERE_ACCESS_KEY_SECRET, then HERE_CREDENTIALS_FILE, then\n"
    "                        ~/.here/credentials.properties)\n"
    "  --scope HRN           ask for a project-scoped token "
    "(hrn:here:authorization::ORG:project/P)\n"
    "  --expires-in SECONDS  token lifetime to ask for (the server may grant less)\n"
    "  --ca-file PEM         extra trusted CA certificates (e.g. a TLS-inspecting proxy's)\n"
    "  --timeout SECONDS     give up after this long (default 30)\n"
    "  --format FORMAT       token (default): the bare token\n"
    "                        header: Authorization: Bearer <token>\n"
    "                        json: access_token, token_type, expires_in, expires_at, scope\n"
    "  --verbose             log the request's phases on stderr (never the secret or the token)\n"
    "  --help                print this help and exit\n"
    "  --version             print the version and exit\n"
    "\n"
    "Exit status: 0 token printed, 2 bad arguments, 3 credentials problem, 4 refused by the\n"
    "token endpoint, 5 no valid answer (network, TLS, timeout, 5xx), 1 internal error.\n"
    "On failure stderr gets one line naming the cause, with HERE's errorCode when it sent one.\n";

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  if (text.empty())
    return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

parse_result failed(std::string message) {
  parse_result r;
  r.error = std::move(message);
  return r;
}

}  // namespace

parse_result parse_options(std::span<const std::string_view> args) {
  parse_result result;
  options& o = result.value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      o.help = true;
      return result;
    }
    if (arg == "--version") {
      o.version = true;
      return result;
    }
    if (arg == "--verbose") {
      o.verbose = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      return failed(arg.starts_with("-")
                        ? "unknown option '" + std::string(arg) + "' (see here-token --help)"
                        : "unexpected argument '" + std::string(arg) +
                              "': here-token takes options only (see here-token --help)");
    }

    // --name VALUE or --name=VALUE
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    static constexpr std::string_view valued[] = {"--credentials", "--scope",   "--expires-in",
                                                  "--ca-file",     "--timeout", "--format"};
    bool known = false;
    for (std::string_view v : valued)
      known = known || v == name;
    if (!known) {
      if (name == "--verbose" || name == "--help" || name == "--version")
        return failed(std::string(name) + " takes no value");
      return failed("unknown option '" + std::string(name) + "' (see here-token --help)");
    }
    std::string_view value;
    if (inline_value) {
      value = *inline_value;
    } else {
      if (i + 1 >= args.size())
        return failed(std::string(name) + " needs a value (see here-token --help)");
      value = args[++i];
    }

    auto seconds_in = [&](long long min, long long max) -> std::optional<std::chrono::seconds> {
      const std::optional<long long> n = parse_integer(value);
      if (!n || *n < min || *n > max)
        return std::nullopt;
      return std::chrono::seconds(*n);
    };
    auto bad_seconds = [&](long long min, long long max) {
      return failed(std::string(name) + " needs a whole number of seconds from " +
                    std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                    std::string(value) + "'");
    };
    auto not_empty = [&]() { return !value.empty(); };

    if (name == "--credentials") {
      if (!not_empty())
        return failed("--credentials needs a file name");
      o.credentials_file = value;
    } else if (name == "--scope") {
      if (!not_empty())
        return failed("--scope needs a project HRN, e.g. hrn:here:authorization::org1:project/p1");
      o.scope = value;
    } else if (name == "--expires-in") {
      auto s = seconds_in(1, max_expires_in_seconds);
      if (!s)
        return bad_seconds(1, max_expires_in_seconds);
      o.expires_in = *s;
    } else if (name == "--ca-file") {
      if (!not_empty())
        return failed("--ca-file needs a PEM file name");
      o.ca_file = value;
    } else if (name == "--timeout") {
      auto s = seconds_in(1, max_timeout_seconds);
      if (!s)
        return bad_seconds(1, max_timeout_seconds);
      o.timeout = *s;
    } else if (name == "--format") {
      if (value == "token") {
        o.format = output_format::token;
      } else if (value == "header") {
        o.format = output_format::header;
      } else if (value == "json") {
        o.format = output_format::json;
      } else {
        return failed("--format must be token, header or json, not '" + std::string(value) + "'");
      }
    }
  }
  return result;
}

parse_result parse_options(int argc, const char* const* argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i)
    args.emplace_back(argv[i]);
  return parse_options(std::span<const std::string_view>(args));
}

std::string_view usage_text() {
  return usage;
}

std::string version_line() {
  return std::string("here-token ") + HERE_OAUTH_VERSION_STRING + " (here-oauth-cpp)";
}

exit_code exit_code_for(const boost::system::error_code& ec) {
  if (ec.category() == error_category()) {
    switch (static_cast<error>(ec.value())) {
      case error::credentials_file_unreadable:
      case error::credentials_malformed:
      case error::credentials_missing:
      case error::invalid_endpoint_url:
      case error::credentials_not_found:
      case error::insecure_url_refused:
        return exit_code::credentials;
      case error::invalid_option:
        return exit_code::usage;
      case error::signature_rejected:
      case error::timestamp_rejected:
      case error::request_rejected:
      case error::redirect_refused:
        return exit_code::refused;
      case error::rate_limited:
      case error::server_error:
      case error::malformed_response:
      case error::response_too_large:
      case error::timeout:
      case error::proxy_error:
      case error::backing_off:
        return exit_code::unavailable;
    }
    return exit_code::internal;
  }
  if (!ec)
    return exit_code::success;
  // DNS, connect, TLS (certificate verification included), reset, cancelled by the deadline.
  return exit_code::unavailable;
}

std::string format_iso8601_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> time{secs - day};
  char buffer[32];
  const int year = static_cast<int>(ymd.year());
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return buffer;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(u));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string format_token(output_format format, const access_token& token,
                         std::chrono::system_clock::time_point now) {
  switch (format) {
    case output_format::token:
      return token.value + "\n";
    case output_format::header:
      return "Authorization: " + token.authorization_header() + "\n";
    case output_format::json:
      break;
  }
  const auto left = std::chrono::floor<std::chrono::seconds>(token.expires_at - now);
  const long long expires_in = left.count() > 0 ? static_cast<long long>(left.count()) : 0;
  std::string out = "{\"access_token\":\"" + json_escape(token.value) + "\",\"token_type\":\"" +
                    json_escape(token.token_type) +
                    "\",\"expires_in\":" + std::to_string(expires_in) + ",\"expires_at\":\"" +
                    format_iso8601_utc(token.expires_at) + "\",\"scope\":";
  out += token.scope.empty() ? std::string("null") : "\"" + json_escape(token.scope) + "\"";
  out += "}\n";
  return out;
}

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
  const std::string said = to_string(details);
  if (!said.empty())
    line += " (" + said + ")";
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
    case provider_event::kind::request_failed: {
      line = "request failed" + attempt + " in " + std::to_string(event.duration.count()) +
             " ms: " + event.error.message();
      const std::string said = to_string(event.details);
      if (!said.empty())
        line += " (" + said + ")";
      if (event.retry_in.count() >= 0) {
        line += "; retrying in " + std::to_string(event.retry_in.count()) + " ms";
      } else {
        line += "; no retry";
      }
      break;
    }
    case provider_event::kind::warning:
      line = "warning: " + event.details.message;
      break;
    case provider_event::kind::credentials_reloaded:
      line = event.details.message;
      break;
  }
  return one_line(line);
}

}  // namespace here::oauth::cli

// SPDX-License-Identifier: Apache-2.0
#include "arguments.hpp"

#include <charconv>
#include <vector>

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
    "  --no-cache            neither read nor write the token cache\n"
    "  --refresh             fetch a new token even if the cache has one, and cache it\n"
    "  --verbose             log the request's phases on stderr (never the secret or the token)\n"
    "  --help                print this help and exit\n"
    "  --version             print the version and exit\n"
    "\n"
    "Exit status: 0 token printed, 2 bad arguments, 3 credentials problem, 4 refused by the\n"
    "token endpoint, 5 no valid answer (network, TLS, timeout, 5xx), 1 internal error.\n"
    "On failure stderr gets one line naming the cause, with HERE's errorCode when it sent one.\n"
    "\n"
    "Tokens are cached between runs (per endpoint, key id, scope and --expires-in; never the\n"
    "secret) in HERE_TOKEN_CACHE_DIR, else $XDG_CACHE_HOME/here-oauth, else\n"
    "~/.cache/here-oauth, and used while they have at least a tenth of their lifetime (at most\n"
    "30 s) left. Concurrent runs on an empty cache make one request. Clear it with\n"
    "rm -r ~/.cache/here-oauth.\n";

/// The options that take a value.
constexpr std::string_view valued_options[] = {"--credentials", "--scope",   "--expires-in",
                                               "--ca-file",     "--timeout", "--format"};

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

/// Stores the value of one valued option in o; returns what is wrong with it, or "".
std::string apply(options& o, std::string_view name, std::string_view value) {
  auto seconds = [&](long long max) -> std::optional<std::chrono::seconds> {
    const std::optional<long long> n = parse_integer(value);
    if (!n || *n < 1 || *n > max)
      return std::nullopt;
    return std::chrono::seconds(*n);
  };
  auto bad_seconds = [&](long long max) {
    return std::string(name) + " needs a whole number of seconds from 1 to " + std::to_string(max) +
           ", not '" + std::string(value) + "'";
  };

  if (name == "--credentials") {
    if (value.empty())
      return "--credentials needs a file name";
    o.credentials_file = value;
  } else if (name == "--scope") {
    if (value.empty())
      return "--scope needs a project HRN, e.g. hrn:here:authorization::org1:project/p1";
    o.scope = value;
  } else if (name == "--expires-in") {
    const auto s = seconds(max_expires_in_seconds);
    if (!s)
      return bad_seconds(max_expires_in_seconds);
    o.expires_in = *s;
  } else if (name == "--ca-file") {
    if (value.empty())
      return "--ca-file needs a PEM file name";
    o.ca_file = value;
  } else if (name == "--timeout") {
    const auto s = seconds(max_timeout_seconds);
    if (!s)
      return bad_seconds(max_timeout_seconds);
    o.timeout = *s;
  } else if (name == "--format") {
    if (value == "token") {
      o.format = output_format::token;
    } else if (value == "header") {
      o.format = output_format::header;
    } else if (value == "json") {
      o.format = output_format::json;
    } else {
      return "--format must be token, header or json, not '" + std::string(value) + "'";
    }
  }
  return {};
}

}  // namespace

parse_result parse_options(std::span<const std::string_view> args) {
  parse_result result;
  options& o = result.value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
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
    if (arg == "--no-cache") {
      o.no_cache = true;
      continue;
    }
    if (arg == "--refresh") {
      o.refresh = true;
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
    bool known = false;
    for (std::string_view v : valued_options)
      known = known || v == name;
    if (!known) {
      if (name == "--verbose" || name == "--help" || name == "--version" || name == "--no-cache" ||
          name == "--refresh")
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
    if (std::string problem = apply(o, name, value); !problem.empty())
      return failed(std::move(problem));
  }
  if (o.no_cache && o.refresh)
    return failed("--no-cache and --refresh contradict each other: --refresh writes the cache");
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

}  // namespace here::oauth::cli

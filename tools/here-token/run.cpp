// SPDX-License-Identifier: Apache-2.0
#include "run.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <ostream>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/token_provider.hpp>

#include "output.hpp"
#include "token_cache.hpp"

namespace here::oauth::cli {
namespace {

namespace asio = boost::asio;

/// How the request ended: a token, or an error with the server's details, or the deadline.
struct outcome {
  std::optional<access_token> token;
  boost::system::error_code error;
  error_details details;
  bool timed_out = false;
};

/// Runs provider.token() on io until it completes or the deadline cancels it.
outcome fetch_until(asio::io_context& io, token_provider& provider,
                    std::chrono::steady_clock::time_point until) {
  outcome result;
  asio::steady_timer deadline(io, until);
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec)
      return;
    result.timed_out = true;
    provider.cancel();  // the waiting token() completes with operation_aborted
  });
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          result.token = co_await provider.token();
        } catch (const token_error& e) {
          result.error = e.code();
          result.details = e.details();
        }
        // Done: the connection's TLS shutdown and the refresh timer need not run to the end.
        io.stop();
      },
      asio::detached);
  io.run();
  return result;
}

long long milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

/// Writes token on out in args.format; says on err (with --verbose) where it came from.
exit_code print_token(const options& args, const access_token& token, std::string_view origin,
                      std::chrono::steady_clock::time_point started, std::ostream& out,
                      diagnostics& err) {
  if (args.verbose) {
    err.line(std::string(origin) + ", in " + std::to_string(milliseconds_since(started)) +
             " ms, token " + redact_token(token.value));
  }
  out << format_token(args.format, token, std::chrono::system_clock::now()) << std::flush;
  if (!out) {
    err.line("cannot write the token to stdout");
    return exit_code::internal;
  }
  return exit_code::success;
}

std::string seconds_left(const access_token& token) {
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(
      token.expires_at - std::chrono::system_clock::now());
  return std::to_string(left.count()) + " s";
}

exit_code run_with(const options& args, std::ostream& out, diagnostics& err) {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + args.timeout;

  credentials creds;
  try {
    creds = args.credentials_file.empty() ? default_credentials()
                                          : load_credentials(args.credentials_file);
  } catch (const credentials_error& e) {
    err.line(without_error_code_suffix(e.what()));
    return exit_code::credentials;
  }
  err.hide(creds.access_key_secret);
  // Problems that did not stop loading, e.g. a credentials file others can read.
  for (const std::string& warning : creds.warnings)
    err.warning(warning);
  if (args.verbose) {
    err.line(describe_credentials(creds));
    err.line(describe_request(args, creds.token_endpoint_url));
  }

  // The cache first: a usable token there is printed without a connection, a TLS context or the
  // trust store. On a miss, the entry's lock makes concurrent runs wait for one request.
  run_cache cache(args, creds, err);
  std::optional<file_token_store::entry_lock> lock;
  if (cache && !args.refresh) {
    if (auto token = cache.store().load(cache.key())) {
      cache.report_warnings();
      return print_token(args, *token,
                         "token from the cache in " + cache.store().directory().string() +
                             " (expires in " + seconds_left(*token) + ")",
                         started, out, err);
    }
  }
  if (cache) {
    boost::system::error_code lock_ec;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    lock = cache.store().lock(cache.key(), wait, lock_ec);
    if (!lock && lock_ec == error::timeout) {
      err.line("timed out after " + std::to_string(args.timeout.count()) +
               " s waiting for another here-token run to fetch the token (token cache in " +
               cache.store().directory().string() + ")");
      return exit_code::unavailable;
    }
    if (!lock) {
      if (args.verbose)
        err.line("not using the token cache: " + lock_ec.message());
      cache.drop();
    } else if (!args.refresh) {
      if (auto token = cache.store().load(cache.key())) {  // another run fetched it meanwhile
        cache.report_warnings();
        return print_token(args, *token,
                           "token from the cache in " + cache.store().directory().string() +
                               ", fetched by a concurrent run (expires in " + seconds_left(*token) +
                               ")",
                           started, out, err);
      }
    }
  }

  provider_options provider_settings = provider_options_for(args);
  std::optional<provider_event> last_failure;
  provider_settings.on_event = [&](const provider_event& event) {
    if (event.type == provider_event::kind::warning)
      return;  // the credentials' warnings, printed above already
    if (event.type == provider_event::kind::request_failed)
      last_failure = event;
    if (args.verbose)
      err.line(describe_event(event));
  };

  asio::io_context io;
  std::optional<token_provider> provider;
  try {
    provider.emplace(io.get_executor(), creds, provider_settings);
  } catch (const token_error& e) {
    err.line(describe_configuration_error(e));
    return exit_code_for(e.code());
  }

  const outcome result = fetch_until(io, *provider, deadline);
  if (result.token) {
    if (cache) {
      // The lifetime as granted, less the request's duration: the stored hard point is, if
      // anything, a little early.
      const auto lifetime =
          std::max(std::chrono::seconds(1),
                   std::chrono::duration_cast<std::chrono::seconds>(
                       result.token->expires_at - std::chrono::system_clock::now()));
      cache.store().save(cache.key(), *result.token, lifetime);
      cache.report_warnings();
    }
    return print_token(args, *result.token, cache ? "done, token stored in the cache" : "done",
                       started, out, err);
  }
  cache.report_warnings();
  if (result.timed_out) {
    err.line(describe_timeout(creds.token_endpoint_url, args.timeout,
                              last_failure ? &*last_failure : nullptr));
    return exit_code::unavailable;
  }
  err.line(describe_failure(creds.token_endpoint_url, result.error, result.details));
  return exit_code_for(result.error);
}

}  // namespace

provider_options provider_options_for(const options& args) {
  provider_options settings;
  settings.scope = args.scope;
  settings.requested_lifetime = args.expires_in;
  settings.ca_file = args.ca_file;
  settings.request_timeout =
      std::min<std::chrono::milliseconds>(args.timeout, default_request_timeout);
  return settings;
}

exit_code run(const options& args, std::ostream& out, diagnostics& err) {
  try {
    return run_with(args, out, err);
  } catch (const std::exception& e) {
    err.line("unexpected error: " + without_error_code_suffix(e.what()));
    return exit_code::internal;
  }
}

}  // namespace here::oauth::cli

// here-token: prints a HERE access token, the counterpart of `gcloud auth print-access-token`.
//
//   TOKEN=$(here-token --scope hrn:here:authorization::org1:project/p1)
//   curl -H "$(here-token --format header)" https://...
//
// The options, exit codes and output formats live in here_token_options.{hpp,cpp} (unit-tested);
// this file does the I/O: credentials, one token_provider, the deadline, stdout and stderr.
// Documented in docs/here-token.md.

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <here/oauth.hpp>

#include "here_token_options.hpp"

namespace asio = boost::asio;
namespace cli = here::oauth::cli;
using namespace here::oauth;

namespace {

int exit_with(cli::exit_code code) {
  return static_cast<int>(code);
}

/// Writes one line on stderr, prefixed, on one line, without the secret.
class diagnostics {
 public:
  void set_secret(std::string secret) { secret_ = std::move(secret); }

  void line(std::string_view text) const {
    std::cerr << "here-token: " << cli::redact_secret(cli::one_line(text), secret_) << '\n';
  }
  void warning(std::string_view text) const { line("warning: " + std::string(text)); }

 private:
  std::string secret_;
};

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

std::string describe_configuration_error(const token_error& e) {
  std::string text = e.code().message();
  if (!e.details().message.empty())
    text += ": " + e.details().message;
  return in_cli_terms(text);
}

}  // namespace

int main(int argc, char** argv) {
  diagnostics out;
  const cli::parse_result parsed = cli::parse_options(argc, argv);
  if (!parsed.ok()) {
    out.line(parsed.error);
    return exit_with(cli::exit_code::usage);
  }
  const cli::options& args = parsed.value;
  if (args.help) {
    std::cout << cli::usage_text() << std::flush;
    return exit_with(cli::exit_code::success);
  }
  if (args.version) {
    std::cout << cli::version_line() << std::endl;
    return exit_with(cli::exit_code::success);
  }

  const auto started = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)
        .count();
  };

  try {
    credentials creds;
    try {
      creds = args.credentials_file.empty() ? default_credentials()
                                            : load_credentials(args.credentials_file);
    } catch (const credentials_error& e) {
      out.line(cli::without_error_code_suffix(e.what()));
      return exit_with(cli::exit_code::credentials);
    }
    out.set_secret(std::string(creds.access_key_secret.reveal()));
    // Problems that did not stop loading, e.g. a credentials file others can read.
    for (const std::string& warning : creds.warnings)
      out.warning(warning);

    provider_options options;
    options.scope = args.scope;
    options.requested_lifetime = args.expires_in;
    options.ca_file = args.ca_file;
    options.request_timeout =
        std::min<std::chrono::milliseconds>(args.timeout, cli::default_request_timeout);
    if (args.verbose) {
      out.line("credentials from " + creds.source + " (key id " + creds.access_key_id + ")");
      std::string request = "endpoint " + creds.token_endpoint_url;
      request += args.scope.empty() ? ", no scope" : ", scope " + args.scope;
      if (args.expires_in)
        request += ", expires_in " + std::to_string(args.expires_in->count()) + " s";
      if (!args.ca_file.empty())
        request += ", extra CA file " + args.ca_file;
      request += ", deadline " + std::to_string(args.timeout.count()) + " s";
      out.line(request);
    }
    std::optional<provider_event> last_failure;
    options.on_event = [&](const provider_event& event) {
      if (event.type == provider_event::kind::warning)
        return;  // the credentials' warnings, printed above already
      if (event.type == provider_event::kind::request_failed)
        last_failure = event;
      if (args.verbose)
        out.line(cli::describe_event(event));
    };

    asio::io_context io;
    std::optional<token_provider> provider;
    try {
      provider.emplace(io.get_executor(), creds, options);
    } catch (const token_error& e) {
      out.line(describe_configuration_error(e));
      return exit_with(cli::exit_code_for(e.code()));
    }

    std::optional<access_token> token;
    boost::system::error_code failure;
    error_details failure_details;
    bool timed_out = false;
    asio::steady_timer deadline(io, args.timeout);
    deadline.async_wait([&](boost::system::error_code ec) {
      if (ec)
        return;
      timed_out = true;
      provider->cancel();  // the waiting token() completes with operation_aborted
    });
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          try {
            token = co_await provider->token();
          } catch (const token_error& e) {
            failure = e.code();
            failure_details = e.details();
          }
          // Done: the connection's TLS shutdown and the refresh timer need not run to the end.
          io.stop();
        },
        asio::detached);
    io.run();

    if (token) {
      if (args.verbose) {
        out.line("done in " + std::to_string(elapsed_ms()) + " ms, token " +
                 redact_token(token->value));
      }
      std::cout << cli::format_token(args.format, *token, std::chrono::system_clock::now())
                << std::flush;
      if (!std::cout) {
        out.line("cannot write the token to stdout");
        return exit_with(cli::exit_code::internal);
      }
      return exit_with(cli::exit_code::success);
    }

    if (timed_out) {
      std::string line = "token request to " + creds.token_endpoint_url +
                         " failed: no token within " + std::to_string(args.timeout.count()) +
                         " s (--timeout), timed out";
      if (last_failure) {
        line += "; last attempt: " + last_failure->error.message();
        const std::string said = to_string(last_failure->details);
        if (!said.empty())
          line += " (" + said + ")";
      }
      out.line(line);
      return exit_with(cli::exit_code::unavailable);
    }
    out.line(cli::describe_failure(creds.token_endpoint_url, failure, failure_details));
    return exit_with(cli::exit_code_for(failure));
  } catch (const std::exception& e) {
    out.line("unexpected error: " + cli::without_error_code_suffix(e.what()));
    return exit_with(cli::exit_code::internal);
  }
}

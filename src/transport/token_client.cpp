// SPDX-License-Identifier: Apache-2.0
#include "transport/token_client.hpp"

#include <boost/asio/ssl/context.hpp>

#include "common/ascii.hpp"
#include "credentials/scope.hpp"
#include "transport/tls_context_cache.hpp"

namespace here::oauth::detail {
namespace {

std::shared_ptr<token_client> fail(boost::system::error_code& ec, error_details& details, error e,
                                   std::string message) {
  ec = e;
  details = {};
  details.message = std::move(message);
  return nullptr;
}

bool has_control_characters(std::string_view s) {
  for (char c : s) {
    if (is_ascii_control(c))
      return true;
  }
  return false;
}

}  // namespace

token_client::token_client(endpoint target, request_signer signer, request_options options,
                           std::shared_ptr<boost::asio::ssl::context> tls,
                           std::optional<proxy_config> proxy)
    : target_(std::move(target)),
      signer_(std::move(signer)),
      options_(std::move(options)),
      tls_(std::move(tls)),
      proxy_(std::move(proxy)) {}

std::shared_ptr<token_client> make_token_client(const credentials& creds,
                                                const request_options& options,
                                                const environment_lookup& env,
                                                boost::system::error_code& ec,
                                                error_details& details) {
  ec.clear();
  details = {};
  const std::string source = creds.source.empty() ? std::string("credentials") : creds.source;
  if (creds.access_key_id.empty()) {
    return fail(ec, details, error::credentials_missing,
                source + ": the access key id (here.access.key.id) is empty");
  }
  if (creds.access_key_secret.empty()) {
    return fail(ec, details, error::credentials_missing,
                source + ": the access key secret (here.access.key.secret) is empty");
  }

  std::string problem;
  std::optional<endpoint> target = parse_endpoint(creds.token_endpoint_url, problem);
  if (!target) {
    return fail(ec, details, error::invalid_endpoint_url,
                source + ": token endpoint URL is invalid: " + problem);
  }
  if (!target->https && !options.allow_plain_http) {
    return fail(ec, details, error::insecure_url_refused,
                "token endpoint " + target->authority() +
                    " is http://; set request_options::allow_plain_http only for local test "
                    "servers");
  }

  if (options.request_timeout <= std::chrono::milliseconds::zero()) {
    return fail(ec, details, error::invalid_option,
                "request_options::request_timeout must be positive (is " +
                    std::to_string(options.request_timeout.count()) + " ms)");
  }
  if (options.requested_lifetime && *options.requested_lifetime <= std::chrono::seconds::zero()) {
    return fail(ec, details, error::invalid_option,
                "request_options::requested_lifetime must be positive (is " +
                    std::to_string(options.requested_lifetime->count()) + " s)");
  }
  if (options.max_response_body_bytes < min_response_limit_bytes ||
      options.max_response_body_bytes > max_response_body_limit_bytes) {
    return fail(ec, details, error::invalid_option,
                "request_options::max_response_body_bytes must be between 1 KiB and 64 MiB (is " +
                    std::to_string(options.max_response_body_bytes) + ")");
  }
  if (options.max_response_header_bytes < min_response_limit_bytes ||
      options.max_response_header_bytes > max_response_header_limit_bytes) {
    return fail(ec, details, error::invalid_option,
                "request_options::max_response_header_bytes must be between 1 KiB and 1 MiB (is " +
                    std::to_string(options.max_response_header_bytes) + ")");
  }
  if (has_control_characters(options.user_agent)) {
    return fail(ec, details, error::invalid_option,
                "request_options::user_agent contains control characters");
  }

  request_signer signer(creds.access_key_id, creds.access_key_secret);
  request_options sent = options;  // here.token.scope when the option names none
  sent.scope = std::string(effective_scope(creds, options));
  if (options.transport) {
    // A custom transport moves the bytes: no trust store to load, no proxy to choose.
    return std::make_shared<token_client>(std::move(*target), std::move(signer), std::move(sent),
                                          nullptr, std::nullopt);
  }

  proxy_choice proxy = select_proxy(options, target->https, target->host, target->port, env);
  if (!proxy.problem.empty())
    return fail(ec, details, error::invalid_option, proxy.problem);

  std::shared_ptr<boost::asio::ssl::context> tls;
  if (target->https) {
    tls = shared_tls_context(options, ec, details);
    if (!tls)
      return nullptr;
  }
  return std::make_shared<token_client>(std::move(*target), std::move(signer), std::move(sent),
                                        std::move(tls), std::move(proxy.proxy));
}

std::shared_ptr<token_client> make_token_client(const credentials& creds,
                                                const request_options& options,
                                                boost::system::error_code& ec,
                                                error_details& details) {
  return make_token_client(creds, options, environment_lookup(&process_environment), ec, details);
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include "protocol/token_request.hpp"

#include <here/oauth/version.hpp>

namespace here::oauth::detail {

std::string default_user_agent() {
  return std::string("here-oauth-cpp/") + HERE_OAUTH_VERSION_STRING;
}

parameter_list token_request_parameters(const request_options& options) {
  parameter_list params{{"grant_type", "client_credentials"}};
  if (!options.scope.empty())
    params.emplace_back("scope", options.scope);
  if (options.requested_lifetime) {
    params.emplace_back("expires_in", std::to_string(options.requested_lifetime->count()));
  }
  return params;
}

http_request make_token_request(const endpoint& ep, const request_signer& signer,
                                const request_options& options, std::chrono::seconds clock_offset) {
  const parameter_list params = token_request_parameters(options);
  http_request request;
  request.method = "POST";
  request.url = ep.url;
  request.body = encode_form_parameters(params);
  request.headers.reserve(6);
  request.headers.emplace_back("Host", ep.host_header);
  request.headers.emplace_back(
      "User-Agent", options.user_agent.empty() ? default_user_agent() : options.user_agent);
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back(
      "Authorization", signer.sign(request.method, ep, params, clock_offset).authorization_header);
  request.headers.emplace_back("Content-Length", std::to_string(request.body.size()));
  return request;
}

}  // namespace here::oauth::detail

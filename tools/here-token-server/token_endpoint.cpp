// SPDX-License-Identifier: Apache-2.0
#include "token_endpoint.hpp"

#include <algorithm>
#include <cctype>

#include "here_answers.hpp"
#include "oauth_header_parser.hpp"
#include "signature_verifier.hpp"

namespace here::oauth::test_support {
namespace {

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

const std::string* find(const parameter_list& list, std::string_view name) {
  for (const auto& [n, v] : list) {
    if (n == name)
      return &v;
  }
  return nullptr;
}

endpoint_answer reject(unsigned status, std::string_view code, std::string_view message) {
  endpoint_answer answer;
  answer.status = status;
  answer.error_code = std::string(code);
  answer.body = here_error_body(status, code, message);
  return answer;
}

}  // namespace

token_endpoint::token_endpoint(endpoint_settings settings) : settings_(std::move(settings)) {}

void token_endpoint::forget_old_nonces(std::chrono::system_clock::time_point now) {
  while (!nonce_order_.empty() && nonce_order_.front().forget_after < now) {
    nonces_.erase(nonce_order_.front().key);
    nonce_order_.pop_front();
  }
}

endpoint_answer token_endpoint::handle(const endpoint_request& request,
                                       std::chrono::system_clock::time_point now,
                                       std::optional<std::chrono::seconds> lifetime_override) {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path != "/oauth2/token") {
    return reject(404, "404000", "Not found: the token endpoint is POST /oauth2/token.");
  }
  if (request.method != "POST") {
    return reject(405, "405000", "Method not allowed: the token endpoint accepts POST only.");
  }

  // The Authorization header.
  if (!request.authorization || trim(*request.authorization).empty()) {
    return reject(401, "401200", "Missing Authorization header.");
  }
  const oauth_header_parse_result header = parse_oauth_header(*request.authorization);
  if (header.problem != header_problem::none) {
    return reject(401, "401202",
                  "Invalid Client Authorization header, expecting signed request format: " +
                      header.detail + ".");
  }
  for (std::string_view required : {"oauth_consumer_key", "oauth_nonce", "oauth_signature",
                                    "oauth_signature_method", "oauth_timestamp"}) {
    const std::string* value = header.find(required);
    if (value == nullptr || value->empty()) {
      return reject(401, "401202",
                    "Invalid Client Authorization header, Not enough parameters: " +
                        std::string(required) + " is missing.");
    }
  }
  if (*header.find("oauth_signature_method") != "HMAC-SHA256") {
    return reject(401, "401205",
                  "Unsupported value for signature method: only HMAC-SHA256 is accepted.");
  }
  if (const std::string* version = header.find("oauth_version");
      version != nullptr && *version != "1.0") {
    return reject(401, "401206",
                  "Unsupported value for \"oauth_version\" parameter (should be 1.0).");
  }
  const std::string& consumer_key = *header.find("oauth_consumer_key");
  if (consumer_key != settings_.access_key_id) {
    return reject(401, "401300", signature_mismatch_message);
  }

  // The body.
  if (!request.content_type || trim(*request.content_type).empty()) {
    return reject(400, "400003", "Content-Type header missing.");
  }
  const std::string_view media = request.content_type->substr(0, request.content_type->find(';'));
  if (to_lower(trim(media)) != "application/x-www-form-urlencoded") {
    return reject(400, "400004", "Content-Type header must be application/x-www-form-urlencoded.");
  }
  const std::optional<parameter_list> body = parse_form_urlencoded(request.body);
  if (!body) {
    return reject(400, "400200", "Received invalid data: the form body has a malformed escape.");
  }

  // Timestamp, signature, nonce.
  const std::optional<std::int64_t> timestamp = parse_decimal(*header.find("oauth_timestamp"));
  if (!timestamp) {
    return reject(401, "401202",
                  "Invalid Client Authorization header: oauth_timestamp is not a number.");
  }
  const auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t skew = *timestamp - now_seconds;
  if (skew > settings_.timestamp_window.count() || -skew > settings_.timestamp_window.count()) {
    return reject(401, "401204", "Time stamp is outside the valid period.");
  }

  received_request received;
  received.method = request.method;
  received.scheme = request.scheme;
  received.host = request.host;
  received.target = request.target;
  received.oauth_parameters = &header.parameters;
  received.body_parameters = &*body;
  const std::optional<std::string> base = rebuild_signature_base_string(received);
  if (!base ||
      !signature_matches(*base, settings_.access_key_secret, *header.find("oauth_signature"))) {
    return reject(401, "401300", signature_mismatch_message);
  }

  forget_old_nonces(now);
  std::string nonce_key = consumer_key + '\n' + *header.find("oauth_nonce");
  if (nonces_.contains(nonce_key)) {
    return reject(401, "401207", "Nonce already consumed.");
  }
  nonces_.insert(nonce_key);
  // A timestamp is accepted up to `window` ahead of now, and then for `window` more.
  nonce_order_.push_back({now + 2 * settings_.timestamp_window, std::move(nonce_key)});

  // The grant.
  const std::string* grant_type = find(*body, "grant_type");
  if (grant_type == nullptr) {
    return reject(400, "400201", "Missing required field. grant_type");
  }
  if (*grant_type != "client_credentials") {
    return reject(400, "400203", "Invalid value. grant_type must be client_credentials");
  }
  std::chrono::seconds lifetime = lifetime_override.value_or(settings_.token_lifetime);
  if (const std::string* requested = find(*body, "expires_in"); requested != nullptr) {
    const std::optional<std::int64_t> seconds = parse_decimal(*requested);
    if (!seconds || *seconds == 0) {
      return reject(400, "400203", "Invalid value. expires_in must be a positive integer");
    }
    lifetime = std::min(lifetime, std::chrono::seconds(*seconds));
  }
  const std::string* scope = find(*body, "scope");
  const std::string_view scope_text = scope != nullptr ? std::string_view(*scope) : "";

  endpoint_answer answer;
  answer.status = 200;
  answer.expires_in = lifetime;
  answer.access_token =
      make_access_token(settings_.token_size, consumer_key, now, lifetime, scope_text, ++serial_);
  answer.body = token_response_body(answer.access_token, lifetime, scope_text);
  return answer;
}

}  // namespace here::oauth::test_support

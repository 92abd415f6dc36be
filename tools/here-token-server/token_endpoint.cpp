#include "token_endpoint.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/rand.h>

#include "oauth_header_parser.hpp"
#include "signature_verifier.hpp"

namespace here::oauth::test_support {
namespace {

std::string random_bytes(std::size_t count) {
  std::string out(count, '\0');
  if (count != 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("token server: OpenSSL RAND_bytes failed");
  }
  return out;
}

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

/// A non-negative decimal integer of at most 18 digits.
std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
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

constexpr std::string_view signature_mismatch_message =
    "Signature mismatch. Authorization signature or client credential is wrong.";

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

std::string here_error_body(unsigned http_status, std::string_view error_code,
                            std::string_view message) {
  boost::json::object body;
  body["errorId"] = make_error_id();
  body["httpStatus"] = http_status;
  if (auto code = parse_decimal(error_code)) {
    body["errorCode"] = *code;
  } else {
    body["errorCode"] = error_code;
  }
  body["message"] = message;
  return boost::json::serialize(body);
}

std::string default_error_code(unsigned http_status) {
  switch (http_status) {
    case 400:
      return "400200";
    case 401:
      return "401300";
    case 429:
      return "429002";
    default:
      return std::to_string(http_status * 1000);
  }
}

std::string error_code_in(std::string_view json_body) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json_body, ec);
  const boost::json::object* object = ec ? nullptr : parsed.if_object();
  const boost::json::value* code = object != nullptr ? object->if_contains("errorCode") : nullptr;
  if (code == nullptr)
    return {};
  if (code->is_string())
    return std::string(code->get_string());
  if (code->is_int64())
    return std::to_string(code->get_int64());
  if (code->is_uint64())
    return std::to_string(code->get_uint64());
  return {};
}

std::string default_error_message(unsigned http_status) {
  switch (http_status) {
    case 400:
      return "Received invalid data.";
    case 401:
      return std::string(signature_mismatch_message);
    case 403:
      return "Client does not have access to the endpoint.";
    case 429:
      return "Request blocked because too many requests were made. Wait for a while before "
             "making a new request.";
    case 500:
      return "Internal server error.";
    case 502:
      return "Bad gateway.";
    case 503:
      return "Service temporarily unavailable.";
    case 504:
      return "Gateway timeout.";
    default:
      return "HTTP status " + std::to_string(http_status) + ".";
  }
}

std::string token_response_body(std::string_view access_token, std::chrono::seconds expires_in,
                                std::string_view scope) {
  boost::json::object body;
  body["access_token"] = access_token;
  body["token_type"] = "bearer";
  body["expires_in"] = expires_in.count();
  if (!scope.empty())
    body["scope"] = scope;
  return boost::json::serialize(body);
}

std::string make_error_id() {
  std::string bytes = random_bytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "ERROR-";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out.push_back('-');
    const auto b = static_cast<unsigned char>(bytes[i]);
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0x0F]);
  }
  return out;
}

std::string make_access_token(std::size_t size, std::string_view key_id,
                              std::chrono::system_clock::time_point issued_at,
                              std::chrono::seconds lifetime, std::string_view scope,
                              std::uint64_t serial) {
  const auto iat =
      std::chrono::duration_cast<std::chrono::seconds>(issued_at.time_since_epoch()).count();
  const std::string nonce = encode_base64(random_bytes(9), true);

  boost::json::object header;
  header["alg"] = "RS512";
  header["typ"] = "JWT";
  header["kid"] = "here-token-server";
  boost::json::object payload;
  payload["iss"] = "here-token-server";
  payload["aid"] = key_id;
  payload["iat"] = iat;
  payload["exp"] = iat + lifetime.count();
  payload["jti"] = std::to_string(serial) + "-" + nonce;
  if (!scope.empty())
    payload["scope"] = scope;

  std::string token = encode_base64(boost::json::serialize(header), true);
  token += '.';
  token += encode_base64(boost::json::serialize(payload), true);
  token += '.';
  constexpr std::size_t min_signature = 16;
  if (token.size() + min_signature > size) {
    // Too small for the JWT shape: the serial and random characters, still unique.
    token = std::to_string(serial) + "." + nonce;
    while (token.size() < size)
      token += encode_base64(random_bytes(48), true);
    token.resize(size);
    return token;
  }
  const std::size_t missing = size - token.size();
  token += encode_base64(random_bytes(missing * 3 / 4 + 3), true).substr(0, missing);
  return token;
}

std::string format_http_date(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = floor<std::chrono::seconds>(when);
  const auto day = floor<std::chrono::days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss time{seconds - day};
  const weekday wd{day};
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02u %s %04d %02d:%02d:%02d GMT", days[wd.c_encoding()],
                static_cast<unsigned>(date.day()), months[static_cast<unsigned>(date.month()) - 1],
                static_cast<int>(date.year()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return out;
}

}  // namespace here::oauth::test_support

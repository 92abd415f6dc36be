// SPDX-License-Identifier: Apache-2.0
#include "here_answers.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/rand.h>

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

}  // namespace

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18)
    return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

std::string here_error_body(unsigned http_status, std::string_view error_code,
                            std::string_view message) {
  boost::json::object body;
  body["errorId"] = make_error_id();
  body["httpStatus"] = http_status;
  if (auto code = parse_decimal(error_code)) {  // HERE sends a number
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

// SPDX-License-Identifier: Apache-2.0
#include "output.hpp"

#include <cstdint>
#include <cstdio>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace here::oauth::cli {
namespace {

/// Boost.JSON writes U+0008 and U+000C as \b and \f and U+007F unescaped; here-token has always
/// written all three as \u escapes. The same JSON value either way, but scripts may compare bytes,
/// so the serializer's text is brought back to the old spelling. json is Boost.JSON's output: a
/// backslash there always starts an escape, and U+007F only occurs inside strings.
std::string with_unicode_escapes(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '\x7f') {
      out += "\\u007f";
    } else if (c == '\\' && i + 1 < json.size()) {
      const char escaped = json[++i];
      if (escaped == 'b') {
        out += "\\u0008";
      } else if (escaped == 'f') {
        out += "\\u000c";
      } else {
        out += c;
        out += escaped;
      }
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_json(const access_token& token, std::chrono::system_clock::time_point now) {
  const auto left = std::chrono::floor<std::chrono::seconds>(token.expires_at - now);
  const std::int64_t expires_in = left.count() > 0 ? static_cast<std::int64_t>(left.count()) : 0;

  // boost::json::object keeps the insertion order: the keys come out in this order.
  boost::json::object json;
  json["access_token"] = token.value;
  json["token_type"] = token.token_type;
  json["expires_in"] = expires_in;
  json["expires_at"] = format_iso8601_utc(token.expires_at);
  if (token.scope.empty()) {
    json["scope"] = nullptr;
  } else {
    json["scope"] = token.scope;
  }
  return with_unicode_escapes(boost::json::serialize(json)) + "\n";
}

}  // namespace

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
  return format_json(token, now);
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

}  // namespace here::oauth::cli

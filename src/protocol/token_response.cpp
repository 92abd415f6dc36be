// SPDX-License-Identifier: Apache-2.0
#include "protocol/token_response.hpp"

#include <cmath>
#include <limits>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "common/ascii.hpp"
#include "protocol/excerpt.hpp"
#include "protocol/http_date.hpp"

namespace here::oauth::detail {
namespace json = boost::json;

namespace {

constexpr std::size_t max_message_chars = 300;
constexpr std::size_t max_excerpt_chars = 200;

bool all_digits(std::string_view s) noexcept {
  if (s.empty())
    return false;
  for (char c : s) {
    if (!is_ascii_digit(c))
      return false;
  }
  return true;
}

/// A field under its OAuth2 (snake_case) name, else under HERE's camelCase name.
struct found_field {
  const json::value* value = nullptr;
  std::string_view name;  ///< the spelling found, for messages
};

found_field find_field(const json::object& object, std::string_view snake, std::string_view camel) {
  if (auto* v = object.if_contains(snake))
    return {v, snake};
  if (!camel.empty()) {
    if (auto* v = object.if_contains(camel))
      return {v, camel};
  }
  return {nullptr, snake};
}

const char* kind_name(json::kind k) {
  switch (k) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "an unknown value";
}

/// The string value of a field, or a description of why it is unusable (naming the field).
std::optional<std::string_view> required_string(const json::object& object, std::string_view snake,
                                                std::string_view camel, std::string& problem) {
  found_field f = find_field(object, snake, camel);
  if (f.value == nullptr) {
    problem = "field " + std::string(snake) + " is missing";
    return std::nullopt;
  }
  if (!f.value->is_string()) {
    problem =
        "field " + std::string(f.name) + " is " + kind_name(f.value->kind()) + ", not a string";
    return std::nullopt;
  }
  std::string_view s = f.value->get_string();
  if (s.empty()) {
    problem = "field " + std::string(f.name) + " is empty";
    return std::nullopt;
  }
  return s;
}

std::optional<std::chrono::seconds> required_lifetime(const json::object& object,
                                                      std::string& problem) {
  found_field f = find_field(object, "expires_in", "expiresIn");
  if (f.value == nullptr) {
    problem = "field expires_in is missing";
    return std::nullopt;
  }
  const std::string name(f.name);
  long double seconds = 0;
  switch (f.value->kind()) {
    case json::kind::int64:
      seconds = static_cast<long double>(f.value->get_int64());
      break;
    case json::kind::uint64:
      seconds = static_cast<long double>(f.value->get_uint64());
      break;
    case json::kind::double_: {
      const double d = f.value->get_double();
      if (!std::isfinite(d) || d != std::floor(d)) {
        problem = "field " + name + " is not a whole number of seconds";
        return std::nullopt;
      }
      seconds = d;
      break;
    }
    default:
      problem = "field " + name + " is " + kind_name(f.value->kind()) + ", not a number";
      return std::nullopt;
  }
  if (seconds <= 0) {
    problem = "field " + name + " is not positive";
    return std::nullopt;
  }
  if (seconds > static_cast<long double>(max_plausible_lifetime.count())) {
    problem = "field " + name + " is implausibly large (more than a year)";
    return std::nullopt;
  }
  return std::chrono::seconds(static_cast<std::int64_t>(seconds));
}

/// Printable ASCII without spaces: a token goes verbatim into an Authorization header, so CR, LF
/// or other control characters must never get through.
bool is_header_safe_token(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_ascii_visible(c))
      return false;
  }
  return true;
}

void parse_success(const token_response_view& r, std::chrono::system_clock::time_point sent_at,
                   parsed_token_response& out) {
  auto malformed = [&out, &r](std::string message) {
    out.ec = error::malformed_response;
    out.details.http_status = r.status;
    out.details.message = std::move(message);
  };
  if (r.body.empty())
    return malformed("the token response has an empty body");

  boost::system::error_code json_ec;
  json::value doc = json::parse(r.body, json_ec);
  if (json_ec) {
    // The body is not echoed: a 200 answer may carry a token in some other format.
    std::string message = "the token response is not JSON (";
    if (!r.content_type.empty()) {
      message += "Content-Type " + sanitize_excerpt(r.content_type, 60) + ", ";
    }
    message += std::to_string(r.body.size()) + " bytes)";
    return malformed(std::move(message));
  }
  if (!doc.is_object()) {
    return malformed(std::string("the token response is ") + kind_name(doc.kind()) +
                     ", not a JSON object");
  }
  const json::object& object = doc.get_object();

  std::string problem;
  auto value = required_string(object, "access_token", "accessToken", problem);
  if (!value)
    return malformed(problem);
  if (!is_header_safe_token(*value)) {
    return malformed("field access_token contains characters not allowed in an HTTP header");
  }
  auto type = required_string(object, "token_type", "tokenType", problem);
  if (!type)
    return malformed(problem);
  if (!iequals(*type, "bearer")) {
    return malformed("field token_type is '" + sanitize_excerpt(*type, 40) + "', not bearer");
  }
  auto lifetime = required_lifetime(object, problem);
  if (!lifetime)
    return malformed(problem);

  std::string scope;
  if (found_field f = find_field(object, "scope", ""); f.value != nullptr && !f.value->is_null()) {
    if (!f.value->is_string()) {
      return malformed(std::string("field scope is ") + kind_name(f.value->kind()) +
                       ", not a string");
    }
    scope = std::string(f.value->get_string());
  }

  out.token.value = std::string(*value);
  out.token.token_type = std::string(*type);
  out.token.scope = std::move(scope);
  out.token.expires_at = sent_at + *lifetime;
  out.expires_in = *lifetime;
}

/// HERE's errorCode may be a number or a string.
std::string code_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::string:
      return sanitize_excerpt(v.get_string(), 40);
    default:
      return {};
  }
}

std::string string_field(const json::object& object, std::string_view name, std::size_t limit) {
  if (auto* v = object.if_contains(name); v != nullptr && v->is_string()) {
    return sanitize_excerpt(v->get_string(), limit);
  }
  return {};
}

/// HERE repeats its code in OAuth2's error_description: "errorCode: '401300'. Signature ...".
std::string code_in_description(std::string_view description) {
  constexpr std::string_view marker = "errorCode: '";
  const std::size_t at = description.find(marker);
  if (at == std::string_view::npos)
    return {};
  std::string_view rest = description.substr(at + marker.size());
  const std::size_t end = rest.find('\'');
  if (end == std::string_view::npos || end > 12 || !all_digits(rest.substr(0, end)))
    return {};
  return std::string(rest.substr(0, end));
}

void parse_error(const token_response_view& r, std::chrono::system_clock::time_point sent_at,
                 parsed_token_response& out) {
  error_details& d = out.details;
  d.http_status = r.status;
  if (!r.retry_after.empty())
    d.retry_after = parse_retry_after(r.retry_after, out.server_date, sent_at);

  std::string here_code;  // numeric HERE code, for the 401 mapping
  boost::system::error_code json_ec;
  json::value doc = r.body.empty() ? json::value() : json::parse(r.body, json_ec);
  if (!json_ec && doc.is_object()) {
    const json::object& object = doc.get_object();
    std::string oauth_error = string_field(object, "error", 60);
    std::string description = string_field(object, "error_description", max_message_chars);
    if (auto* code = object.if_contains("errorCode"))
      here_code = code_text(*code);
    if (here_code.empty())
      here_code = code_in_description(description);
    d.error_code = !here_code.empty() ? here_code : oauth_error;
    d.error_id = string_field(object, "errorId", 100);
    d.message = string_field(object, "message", max_message_chars);
    if (d.message.empty())
      d.message = description;
    if (d.message.empty() && d.error_code.empty()) {
      // Without error fields the answer itself is quoted, unless it carries a token: a whole
      // token never goes into a message (fuzz/corpus/token_response/error_with_token).
      if (object.contains("access_token") || object.contains("accessToken"))
        d.message = "answer without error fields holds an access token (not shown)";
      else
        d.message = "answer: " + sanitize_excerpt(r.body, max_excerpt_chars);
    }
  } else if (!r.body.empty()) {
    // A proxy's or load balancer's page: a short excerpt says who answered.
    d.message = "non-JSON answer";
    if (!r.content_type.empty())
      d.message += " (" + sanitize_excerpt(r.content_type, 60) + ")";
    const std::size_t first = r.body.find_first_not_of(" \t\r\n");
    const bool markup = first != std::string_view::npos && r.body[first] == '<';
    d.message += ": " + sanitize_excerpt(r.body, max_excerpt_chars, markup);
  }

  const unsigned status = r.status;
  if (status >= 300 && status < 400) {
    out.ec = error::redirect_refused;
    std::string where = r.location.empty() ? std::string("no Location")
                                           : "Location " + sanitize_excerpt(r.location, 200);
    std::string note = "redirect not followed (" + where + ")";
    d.message = d.message.empty() ? note : note + "; " + d.message;
  } else if (status == 401) {
    const bool numeric = all_digits(here_code) && here_code.size() == 6;
    if (here_code == "401204") {
      out.ec = error::timestamp_rejected;
    } else if (!numeric || here_code.starts_with("4012") || here_code.starts_with("4013")) {
      out.ec = error::signature_rejected;
    } else {
      out.ec = error::request_rejected;
    }
  } else if (status == 429) {
    out.ec = error::rate_limited;
  } else if (status >= 400 && status < 500) {
    out.ec = error::request_rejected;
  } else if (status >= 500 && status < 600) {
    out.ec = error::server_error;
  } else {
    out.ec = error::malformed_response;
    std::string note = "unexpected HTTP status " + std::to_string(status);
    d.message = d.message.empty() ? note : note + "; " + d.message;
  }
}

}  // namespace

token_response_view view_of(const http_response& response) {
  token_response_view view;
  view.status = response.status;
  view.date = response.header("Date");
  view.retry_after = response.header("Retry-After");
  view.location = response.header("Location");
  view.content_type = response.header("Content-Type");
  view.content_encoding = response.header("Content-Encoding");
  view.body = response.body;
  return view;
}

std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::optional<std::chrono::system_clock::time_point> server_date,
    std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (all_digits(value)) {
    if (value.size() > 10)
      return std::nullopt;
    std::int64_t seconds = 0;
    for (char c : value)
      seconds = seconds * 10 + (c - '0');
    return std::chrono::seconds(seconds);
  }
  auto date = parse_http_date(value);
  if (!date)
    return std::nullopt;
  const auto from = server_date.value_or(now);
  if (*date <= from)
    return std::chrono::seconds(0);
  // In whole seconds: two valid dates (1678 and 2261, say) can be further apart than system_clock's
  // nanoseconds reach (fuzz/corpus/token_response/retry_after_overflow). date is whole seconds,
  // so this is the ceiling of date - from.
  const auto whole = [](std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch());
  };
  return whole(*date) - whole(from);
}

namespace {

/// A Content-Encoding other than identity: the body is compressed (or otherwise transformed) and
/// cannot be read as JSON. The request never asks for one (no Accept-Encoding), so it is named
/// rather than reported as "not JSON".
std::optional<std::string> unasked_encoding(const token_response_view& r) {
  std::string_view coding = r.content_encoding;
  while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
    coding.remove_prefix(1);
  while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
    coding.remove_suffix(1);
  if (coding.empty() || r.body.empty() || iequals(coding, "identity"))
    return std::nullopt;
  return "Content-Encoding '" + sanitize_excerpt(coding, 40) +
         "', which the request did not ask for (" + std::to_string(r.body.size()) +
         " bytes, not decoded)";
}

}  // namespace

parsed_token_response parse_token_response(const token_response_view& response,
                                           std::chrono::system_clock::time_point sent_at) {
  parsed_token_response out;
  if (!response.date.empty())
    out.server_date = parse_http_date(response.date);
  const std::optional<std::string> encoding = unasked_encoding(response);
  if (response.status >= 200 && response.status < 300) {
    if (encoding) {
      out.ec = error::malformed_response;
      out.details.http_status = response.status;
      out.details.message = "the token response is encoded with " + *encoding;
      return out;
    }
    parse_success(response, sent_at, out);
  } else if (encoding) {
    // The status still says what happened (401, 503 and its Retry-After...); only the body is
    // unreadable.
    token_response_view unread = response;
    unread.body = {};
    parse_error(unread, sent_at, out);
    const std::string note = "error body encoded with " + *encoding;
    out.details.message = out.details.message.empty() ? note : out.details.message + "; " + note;
  } else {
    parse_error(response, sent_at, out);
  }
  return out;
}

}  // namespace here::oauth::detail

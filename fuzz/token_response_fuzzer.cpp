// SPDX-License-Identifier: Apache-2.0
// Fuzz target: what the SDK makes of a token endpoint's answer (detail::parse_token_response),
// plus the pieces it uses on header values (parse_retry_after, parse_http_date, sanitize_excerpt).
//
// Input format, so seeds are easy to write by hand: an HTTP-like text
//   "<status>\n" then "Name: value\n" header lines, an empty line, and the body (the rest, bytes).
// Date, Retry-After, Location and Content-Type are recognised (any case); the others are ignored.
// A missing empty line means no body. Line ends are LF or CRLF.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <here/oauth/error.hpp>

#include "fuzz_check.hpp"
#include "protocol/http_date.hpp"
#include "protocol/token_protocol.hpp"

namespace {

using here::oauth::fuzz::printable_ascii;
namespace detail = here::oauth::detail;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y)
      return false;
  }
  return true;
}

std::string_view next_line(std::string_view& text, bool& found) {
  const std::size_t end = text.find('\n');
  found = end != std::string_view::npos;
  std::string_view line = text.substr(0, end);
  text = found ? text.substr(end + 1) : std::string_view();
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  return line;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

detail::token_response_view split(std::string_view text) {
  detail::token_response_view r;
  bool found = false;
  const std::string_view status_line = next_line(text, found);
  unsigned status = 0;
  for (char c : status_line.substr(0, 4)) {
    if (c < '0' || c > '9')
      break;
    status = status * 10 + static_cast<unsigned>(c - '0');
  }
  r.status = status;
  while (found) {
    const std::string_view line = next_line(text, found);
    if (line.empty()) {
      r.body = text;
      break;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "date"))
      r.date = value;
    else if (iequals(name, "retry-after"))
      r.retry_after = value;
    else if (iequals(name, "location"))
      r.location = value;
    else if (iequals(name, "content-type"))
      r.content_type = value;
  }
  return r;
}

// The access_token the body offers, if it is a JSON object with one, and whether the server put
// the same text into a field the SDK shows (message, error, ...): only then may a message hold it.
struct offered {
  std::string token;
  bool also_in_shown_field = false;
  std::string shown_text;  // every field the SDK may quote, concatenated
};

offered offered_token(std::string_view body) {
  offered out;
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object())
    return out;
  const boost::json::object& object = doc.get_object();
  for (const char* name : {"access_token", "accessToken"}) {
    if (auto* v = object.if_contains(name); v != nullptr && v->is_string()) {
      out.token = std::string(v->get_string());
      break;
    }
  }
  if (out.token.empty())
    return out;
  for (const char* name : {"message", "error", "error_description", "errorCode", "errorId"}) {
    if (auto* v = object.if_contains(name); v != nullptr && v->is_string()) {
      out.also_in_shown_field |= v->get_string().find(out.token) != boost::json::string::npos;
      out.shown_text += std::string(v->get_string());
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const detail::token_response_view r = split(text);
  // A fixed "now" keeps runs reproducible: 2026-01-01T00:00:00Z.
  const std::chrono::system_clock::time_point sent_at{std::chrono::seconds(1767225600)};

  const detail::parsed_token_response parsed = detail::parse_token_response(r, sent_at);

  if (!parsed.ec) {
    HERE_FUZZ_CHECK(r.status >= 200 && r.status < 300);
    HERE_FUZZ_CHECK(!parsed.token.value.empty());
    for (char c : parsed.token.value)  // goes verbatim into an Authorization header
      HERE_FUZZ_CHECK(c > 0x20 && c < 0x7F);
    HERE_FUZZ_CHECK(iequals(parsed.token.token_type, "bearer"));
    HERE_FUZZ_CHECK(parsed.expires_in.count() > 0);
    HERE_FUZZ_CHECK(parsed.expires_in <= detail::max_plausible_lifetime);
    HERE_FUZZ_CHECK(parsed.token.expires_at == sent_at + parsed.expires_in);
    HERE_FUZZ_CHECK(parsed.details.empty());
  } else {
    HERE_FUZZ_CHECK(parsed.ec.category() == here::oauth::error_category());
    HERE_FUZZ_CHECK(parsed.details.http_status == r.status);
    HERE_FUZZ_CHECK(parsed.token.value.empty());
    // Everything in the details is short, printable text: safe for logs and terminals.
    HERE_FUZZ_CHECK(printable_ascii(parsed.details.message));
    HERE_FUZZ_CHECK(printable_ascii(parsed.details.error_code));
    HERE_FUZZ_CHECK(printable_ascii(parsed.details.error_id));
    HERE_FUZZ_CHECK(parsed.details.message.size() <= 1024);
    HERE_FUZZ_CHECK(parsed.details.error_code.size() <= 64);
    HERE_FUZZ_CHECK(parsed.details.error_id.size() <= 128);
    HERE_FUZZ_CHECK(!parsed.details.message.empty() || !parsed.details.error_code.empty() ||
                    r.body.empty());
    if (parsed.details.retry_after)
      HERE_FUZZ_CHECK(parsed.details.retry_after->count() >= 0);
    // A refused answer never shows a whole token (a 40-character excerpt at most).
    // (the SDK quotes only what the server put into its error fields, and at most 40 characters
    // of a field that may be the token, like token_type).
    // A token with one of "~|^`$" cannot match the SDK's own fixed texts by coincidence.
    const offered body = offered_token(r.body);
    // The distinctive character must also be absent from every quoted field and header: a token
    // made of the SDK's fixed text plus the start of a quoted field (as the fuzzer once built:
    // "...ed HTTP status 0; " + error_description's first characters) is no leak.
    bool distinctive = false;
    if (body.token.size() > 40) {
      for (char c : std::string_view("~|^`$")) {
        if (body.token.find(c) != std::string::npos &&
            body.shown_text.find(c) == std::string::npos &&
            r.location.find(c) == std::string_view::npos &&
            r.content_type.find(c) == std::string_view::npos)
          distinctive = true;
      }
    }
    const bool in_headers = r.location.find(body.token) != std::string_view::npos ||
                            r.content_type.find(body.token) != std::string_view::npos;
    if (distinctive && !body.also_in_shown_field && !in_headers)
      HERE_FUZZ_CHECK(parsed.details.message.find(body.token) == std::string::npos);
  }

  // The header helpers on their own, with and without a server date.
  if (!r.retry_after.empty()) {
    for (auto server_date :
         {parsed.server_date, std::optional<std::chrono::system_clock::time_point>{}}) {
      if (auto delay = detail::parse_retry_after(r.retry_after, server_date, sent_at))
        HERE_FUZZ_CHECK(delay->count() >= 0);
    }
  }
  if (auto date = detail::parse_http_date(r.date)) {
    // What parses formats back to an IMF-fixdate that parses to the same instant (whole seconds).
    const std::string formatted = detail::format_http_date(*date);
    HERE_FUZZ_CHECK(detail::parse_http_date(formatted) == date);
  }
  const std::size_t limit = size % 97;
  const std::string excerpt = detail::sanitize_excerpt(r.body, limit, (size & 1) != 0);
  HERE_FUZZ_CHECK(printable_ascii(excerpt));
  HERE_FUZZ_CHECK(excerpt.size() <= limit + 3);
  return 0;
}

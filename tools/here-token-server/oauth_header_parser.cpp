// SPDX-License-Identifier: Apache-2.0
#include "oauth_header_parser.hpp"

#include <algorithm>
#include <cctype>

namespace here::oauth::test_support {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// RFC 7230 tchar: the characters a parameter name may use.
bool is_token_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0)
    return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

oauth_header_parse_result fail(header_problem problem, std::string detail) {
  oauth_header_parse_result result;
  result.problem = problem;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

const std::string* oauth_header_parse_result::find(std::string_view name) const {
  for (const auto& [n, v] : parameters) {
    if (n == name)
      return &v;
  }
  return nullptr;
}

std::string encode_percent(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0x0F]);
    }
  }
  return out;
}

std::optional<std::string> decode_percent(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size())
        return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<parameter_list> parse_form_urlencoded(std::string_view text) {
  parameter_list out;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view field = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (field.empty())
      continue;
    const std::size_t eq = field.find('=');
    auto name = decode_percent(field.substr(0, eq), true);
    auto value = decode_percent(
        eq == std::string_view::npos ? std::string_view() : field.substr(eq + 1), true);
    if (!name || !value)
      return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

oauth_header_parse_result parse_oauth_header(std::string_view value) {
  std::size_t i = 0;
  const std::size_t n = value.size();
  while (i < n && is_space(value[i]))
    ++i;
  if (i == n)
    return fail(header_problem::missing, "the Authorization header is empty");

  std::size_t scheme_end = i;
  while (scheme_end < n && is_token_char(value[scheme_end]))
    ++scheme_end;
  if (!iequals(value.substr(i, scheme_end - i), "OAuth")) {
    return fail(header_problem::not_oauth, "the Authorization header's scheme is not OAuth");
  }
  i = scheme_end;
  if (i < n && !is_space(value[i])) {
    return fail(header_problem::not_oauth, "the Authorization header's scheme is not OAuth");
  }
  while (i < n && is_space(value[i]))
    ++i;
  if (i == n)
    return fail(header_problem::malformed, "the OAuth header has no parameters");

  oauth_header_parse_result result;
  while (true) {
    // name
    const std::size_t name_begin = i;
    while (i < n && is_token_char(value[i]))
      ++i;
    if (i == name_begin) {
      return fail(header_problem::malformed,
                  "expected a parameter name at offset " + std::to_string(i));
    }
    std::string_view raw_name = value.substr(name_begin, i - name_begin);
    while (i < n && is_space(value[i]))
      ++i;
    if (i == n || value[i] != '=') {
      return fail(header_problem::malformed,
                  "parameter '" + std::string(raw_name) + "' has no '='");
    }
    ++i;
    while (i < n && is_space(value[i]))
      ++i;
    if (i == n || value[i] != '"') {
      return fail(header_problem::malformed,
                  "the value of '" + std::string(raw_name) + "' is not quoted");
    }
    ++i;
    const std::size_t value_begin = i;
    while (i < n && value[i] != '"') {
      if (value[i] == '\\' || static_cast<unsigned char>(value[i]) < 0x20) {
        return fail(header_problem::malformed, "the value of '" + std::string(raw_name) +
                                                   "' holds a character that must be encoded");
      }
      ++i;
    }
    if (i == n) {
      return fail(header_problem::malformed,
                  "the value of '" + std::string(raw_name) + "' has no closing quote");
    }
    std::string_view raw_value = value.substr(value_begin, i - value_begin);
    ++i;  // closing quote

    auto name = decode_percent(raw_name, false);
    auto decoded = decode_percent(raw_value, false);
    if (!name || !decoded) {
      return fail(header_problem::malformed,
                  "parameter '" + std::string(raw_name) + "' has a malformed %XX escape");
    }
    if (result.find(*name) != nullptr) {
      return fail(header_problem::duplicate_parameter,
                  "parameter '" + *name + "' appears more than once");
    }
    result.parameters.emplace_back(std::move(*name), std::move(*decoded));

    while (i < n && is_space(value[i]))
      ++i;
    if (i == n)
      break;
    if (value[i] != ',') {
      return fail(header_problem::malformed,
                  "expected ',' between parameters at offset " + std::to_string(i));
    }
    ++i;
    while (i < n && is_space(value[i]))
      ++i;
    if (i == n)
      return fail(header_problem::malformed, "the OAuth header ends with ','");
  }
  return result;
}

}  // namespace here::oauth::test_support

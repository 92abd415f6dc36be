// SPDX-License-Identifier: Apache-2.0
#include "common/percent_encoding.hpp"

#include "common/ascii.hpp"

namespace here::oauth::detail {

std::string percent_encode(std::string_view text) {
  std::string out;
  append_percent_encoded(out, text);
  return out;
}

void append_percent_encoded(std::string& out, std::string_view text) {
  const std::size_t at = out.size();
  out.resize(at + encoded_size(text));
  encode_to(out.data() + at, text);
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size())
        return std::nullopt;  // needs two hex digits
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
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

std::optional<parameter_list> parse_form_parameters(std::string_view text) {
  parameter_list result;
  while (!text.empty()) {
    std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty())
      continue;
    std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value)
      return std::nullopt;
    result.emplace_back(std::move(*name), std::move(*value));
  }
  return result;
}

std::string encode_form_parameters(const parameter_list& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (!out.empty())
      out.push_back('&');
    append_percent_encoded(out, name);
    out.push_back('=');
    append_percent_encoded(out, value);
  }
  return out;
}

std::optional<std::uint16_t> parse_port(std::string_view port) {
  if (port.empty())
    return std::nullopt;
  std::uint32_t value = 0;
  for (char c : port) {
    if (!is_ascii_digit(c))
      return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535)
      return std::nullopt;
  }
  if (value == 0)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include "protocol/excerpt.hpp"

#include "common/ascii.hpp"

namespace here::oauth::detail {

std::string sanitize_excerpt(std::string_view text, std::size_t max_chars, bool drop_markup) {
  std::string out;
  bool in_tag = false;
  bool pending_space = false;
  bool cut = false;
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        pending_space = true;
      }
      continue;
    }
    if (c == '<' && drop_markup) {
      in_tag = true;
      continue;
    }
    if (!is_ascii_visible(static_cast<char>(c))) {
      // Control characters, white space and non-ASCII bytes: one space.
      pending_space = true;
      continue;
    }
    if (out.size() + (pending_space && !out.empty() ? 1 : 0) >= max_chars) {
      cut = true;
      break;
    }
    if (pending_space && !out.empty())
      out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  if (cut)
    out += "...";
  return out;
}

}  // namespace here::oauth::detail

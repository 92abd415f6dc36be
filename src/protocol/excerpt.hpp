// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace here::oauth::detail {

/// At most max_chars of printable ASCII from text, for a message: control characters, non-ASCII
/// bytes and runs of white space become one space, "..." is appended when cut, and with
/// drop_markup HTML/XML tags are left out. What a server or proxy said goes through this before
/// it reaches an error message.
std::string sanitize_excerpt(std::string_view text, std::size_t max_chars,
                             bool drop_markup = false);

}  // namespace here::oauth::detail

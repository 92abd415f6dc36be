#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace here::oauth::detail {

struct property {
  std::string key;
  std::string value;
  unsigned line = 0;  ///< 1-based line where the logical line starts
};

struct properties_syntax_error {
  unsigned line = 0;
  std::string key;      ///< the key of the offending line, when one was read
  std::string message;  ///< what is wrong; never contains the value
};

struct properties_parse_result {
  std::vector<property> entries;  ///< in file order; later duplicates win when looked up
  std::optional<properties_syntax_error> error;
};

/// Parses Java .properties text: "k = v", "k=v", "k: v", "k v", '#'/'!' comments, blank lines,
/// CR/LF/CRLF line ends, a leading UTF-8 BOM, backslash escapes (\t \n \r \f \uXXXX, \c → c) and
/// line continuations. Unlike java.util.Properties, unescaped trailing whitespace of a value is
/// dropped (a hand-edited credentials file must not get a secret with a stray space), and a line
/// with no key or a bad \u escape is an error rather than silently accepted.
properties_parse_result parse_properties(std::string_view text);

}  // namespace here::oauth::detail

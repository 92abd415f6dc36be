// SPDX-License-Identifier: Apache-2.0
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
/// CR/LF/CRLF line ends, backslash escapes (\t \n \r \f \uXXXX with UTF-16 surrogate pairs,
/// \c → c) and line continuations (the next line's leading blanks dropped). Where it differs from
/// java.util.Properties.load(InputStream):
///  - the text is UTF-8 (Java reads ISO-8859-1 bytes) and a leading UTF-8 BOM is skipped;
///  - unescaped trailing blanks of a value are dropped (a hand-edited credentials file must not
///    get a secret with a stray space); an escaped one ("\ ") is kept;
///  - a malformed \u escape, an unpaired surrogate and a line with a value but no key are errors
///    reported with their line (Java throws for the first without saying where, and accepts the
///    other two: a lone surrogate, and an entry whose key is "").
/// Values are never copied into error messages. Internal buffers are wiped when parsing ends.
properties_parse_result parse_properties(std::string_view text);

}  // namespace here::oauth::detail

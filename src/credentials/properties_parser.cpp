// SPDX-License-Identifier: Apache-2.0
#include "credentials/properties_parser.hpp"

#include "common/ascii.hpp"

#include <algorithm>
#include <cstdint>

#include "common/wipe.hpp"

namespace here::oauth::detail {
namespace {

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\f';
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads the four hex digits after "\u" at text[pos]; -1 when they are not there.
long read_u_escape(std::string_view text, std::size_t pos) {
  if (pos + 4 > text.size())
    return -1;
  long v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    int h = hex_value(text[pos + i]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

// Resolves escapes in raw. With trim_trailing, unescaped trailing blanks are dropped.
// Returns an error message, or an empty string on success.
std::string unescape(std::string_view raw, bool trim_trailing, std::string& out) {
  out.clear();
  // Escapes only shrink the text, so this one allocation is enough: no reallocation leaves a
  // partial copy of a secret value in freed memory.
  out.reserve(raw.size());
  std::size_t keep = 0;  // out's length up to the last character that must be kept
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      if (!is_blank(c))
        keep = out.size();
      continue;
    }
    if (++i == raw.size())
      break;  // a lone backslash at the end escapes nothing
    switch (char e = raw[i]) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        long unit = read_u_escape(raw, i + 1);
        if (unit < 0)
          return "malformed \\uXXXX escape";
        i += 4;
        std::uint32_t cp = static_cast<std::uint32_t>(unit);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A UTF-16 high surrogate must be followed by an escaped low surrogate.
          long low = (i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u')
                         ? read_u_escape(raw, i + 3)
                         : -1;
          if (low < 0xDC00 || low > 0xDFFF)
            return "unpaired UTF-16 surrogate in \\u escape";
          cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(low) - 0xDC00);
          i += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return "unpaired UTF-16 surrogate in \\u escape";
        }
        append_utf8(out, cp);
        break;
      }
      default:
        out.push_back(e);
        break;
    }
    keep = out.size();
  }
  if (trim_trailing)
    out.resize(keep);
  return {};
}

// Splits text into natural lines (LF, CR or CRLF), tracking line numbers.
class line_reader {
 public:
  explicit line_reader(std::string_view text) : text_(text) {}

  bool next(std::string_view& line) {
    if (pos_ >= text_.size())
      return false;
    std::size_t end = text_.find_first_of("\r\n", pos_);
    if (end == std::string_view::npos) {
      line = text_.substr(pos_);
      pos_ = text_.size();
    } else {
      line = text_.substr(pos_, end - pos_);
      pos_ = end + 1;
      if (text_[end] == '\r' && pos_ < text_.size() && text_[pos_] == '\n')
        ++pos_;  // CRLF
    }
    ++line_number_;
    return true;
  }

  unsigned line_number() const noexcept { return line_number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  unsigned line_number_ = 0;
};

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i]))
    ++i;
  return s.substr(i);
}

// True when s ends with an odd number of backslashes: the line continues on the next one.
bool continues(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\\')
    ++n;
  return n % 2 == 1;
}

// Wipes the logical-line buffer however parsing ends: it holds the secret's line.
struct wipe_on_exit {
  std::string& s;
  ~wipe_on_exit() { wipe(s); }
};

// Appends, growing the vector by hand: moving entries to a bigger buffer leaves the bytes of short
// values (kept in std::string's small-string buffer) behind in the old one, which is wiped before
// it is freed (test/hygiene/secret_wipe_test.cpp).
void append_entry(std::vector<property>& entries, property&& entry) {
  if (entries.size() == entries.capacity()) {
    std::vector<property> bigger;
    bigger.reserve(std::max<std::size_t>(8, entries.capacity() * 2));
    for (auto& e : entries)
      bigger.push_back(std::move(e));
    for (auto& e : entries)
      wipe(e.value);
    entries.swap(bigger);
  }
  entries.push_back(std::move(entry));
}

}  // namespace

properties_parse_result parse_properties(std::string_view text) {
  properties_parse_result result;
  if (text.starts_with("\xEF\xBB\xBF"))
    text.remove_prefix(3);

  line_reader reader(text);
  std::string_view natural;
  std::string logical;
  logical.reserve(text.size());  // a logical line is never longer than the text: no reallocation
  wipe_on_exit guard{logical};
  while (reader.next(natural)) {
    std::string_view line = skip_blanks(natural);
    if (line.empty() || line.front() == '#' || line.front() == '!')
      continue;
    const unsigned start_line = reader.line_number();

    logical.assign(line);
    while (continues(logical)) {
      logical.pop_back();
      std::string_view next_line;
      if (!reader.next(next_line))
        break;
      logical.append(skip_blanks(next_line));
    }

    // The key ends at the first unescaped '=', ':' or blank.
    std::string_view raw(logical);
    std::size_t key_end = 0;
    while (key_end < raw.size()) {
      char c = raw[key_end];
      if (c == '\\') {
        key_end += 2;
        continue;
      }
      if (c == '=' || c == ':' || is_blank(c))
        break;
      ++key_end;
    }
    key_end = std::min(key_end, raw.size());
    std::string_view rest = skip_blanks(raw.substr(key_end));
    if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) {
      rest = skip_blanks(rest.substr(1));
    }

    property entry;
    entry.line = start_line;
    if (std::string message = unescape(raw.substr(0, key_end), false, entry.key);
        !message.empty()) {
      result.error = properties_syntax_error{start_line, {}, "key: " + message};
      return result;
    }
    if (entry.key.empty()) {
      result.error = properties_syntax_error{start_line, {}, "line has a value but no key"};
      return result;
    }
    if (std::string message = unescape(rest, true, entry.value); !message.empty()) {
      result.error = properties_syntax_error{start_line, entry.key, "value: " + message};
      return result;
    }
    append_entry(result.entries, std::move(entry));
    wipe(entry.value);  // a moved-from small string keeps the value's bytes
  }
  return result;
}

}  // namespace here::oauth::detail

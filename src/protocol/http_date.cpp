// SPDX-License-Identifier: Apache-2.0
#include "protocol/http_date.hpp"

#include "common/ascii.hpp"

#include <array>
#include <limits>

namespace here::oauth::detail {
namespace {

constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> short_days = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

/// A small cursor over the input: every read either consumes exactly what it expects or fails.
class cursor {
 public:
  explicit cursor(std::string_view text) : text_(text) {}

  bool done() const noexcept { return pos_ == text_.size(); }

  bool literal(std::string_view expected) noexcept {
    if (!iequals(text_.substr(pos_, expected.size()), expected))
      return false;
    pos_ += expected.size();
    return true;
  }

  /// Exactly `count` decimal digits.
  bool digits(std::size_t count, unsigned& value) noexcept {
    if (text_.size() - pos_ < count)
      return false;
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      char c = text_[pos_ + i];
      if (!is_ascii_digit(c))
        return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    return true;
  }

  /// One of the names; sets index.
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, unsigned& index) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<unsigned>(i);
        return true;
      }
    }
    return false;
  }

  /// "HH:MM:SS"
  bool time_of_day(unsigned& h, unsigned& m, unsigned& s) noexcept {
    return digits(2, h) && literal(":") && digits(2, m) && literal(":") && digits(2, s);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

struct broken_down {
  std::int64_t year = 0;
  unsigned month = 0;  // 1..12
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
};

std::optional<std::chrono::system_clock::time_point> to_time_point(const broken_down& t) {
  if (t.month < 1 || t.month > 12)
    return std::nullopt;
  if (t.day < 1 || t.day > days_in_month(t.year, t.month))
    return std::nullopt;
  // 60 is a leap second (RFC 5322 allows it); it counts as the first second of the next minute.
  if (t.hour > 23 || t.minute > 59 || t.second > 60)
    return std::nullopt;
  const std::int64_t seconds = days_from_civil(t.year, t.month, t.day) * 86400 +
                               std::int64_t{t.hour} * 3600 + std::int64_t{t.minute} * 60 +
                               std::int64_t{t.second};
  // system_clock counts nanoseconds on common platforms: about 1677..2262 fits.
  using limits = std::numeric_limits<std::chrono::system_clock::rep>;
  constexpr auto per_second = std::chrono::system_clock::period::den;
  if (seconds > limits::max() / per_second || seconds < limits::min() / per_second) {
    return std::nullopt;
  }
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(seconds)));
}

// IMF-fixdate, after the "Sun" weekday: ", 06 Nov 1994 08:49:37 GMT"
bool parse_imf_rest(cursor& in, broken_down& t) {
  unsigned year = 0;
  unsigned month = 0;
  if (!(in.literal(", ") && in.digits(2, t.day) && in.literal(" ") && in.name(month_names, month) &&
        in.literal(" ") && in.digits(4, year) && in.literal(" ") &&
        in.time_of_day(t.hour, t.minute, t.second) && in.literal(" GMT") && in.done())) {
    return false;
  }
  t.year = year;
  t.month = month + 1;
  return true;
}

// RFC 850, after the "Sunday" weekday: ", 06-Nov-94 08:49:37 GMT"
bool parse_rfc850_rest(cursor& in, broken_down& t) {
  unsigned year = 0;
  unsigned month = 0;
  if (!(in.literal(", ") && in.digits(2, t.day) && in.literal("-") && in.name(month_names, month) &&
        in.literal("-") && in.digits(2, year) && in.literal(" ") &&
        in.time_of_day(t.hour, t.minute, t.second) && in.literal(" GMT") && in.done())) {
    return false;
  }
  t.year = year < 70 ? 2000 + year : 1900 + year;
  t.month = month + 1;
  return true;
}

// asctime, after the "Sun" weekday: " Nov  6 08:49:37 1994" (day space-padded, or two digits)
bool parse_asctime_rest(cursor& in, broken_down& t) {
  unsigned year = 0;
  unsigned month = 0;
  if (!(in.literal(" ") && in.name(month_names, month) && in.literal(" ")))
    return false;
  if (in.literal(" ")) {
    if (!in.digits(1, t.day))
      return false;
  } else if (!in.digits(2, t.day)) {
    return false;
  }
  if (!(in.literal(" ") && in.time_of_day(t.hour, t.minute, t.second) && in.literal(" ") &&
        in.digits(4, year) && in.done())) {
    return false;
  }
  t.year = year;
  t.month = month + 1;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

void append_two_digits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10 % 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  text = trim(text);
  if (text.size() > 64)
    return std::nullopt;
  broken_down t;
  unsigned weekday = 0;
  {
    // The long names come first: "Sunday" must not be read as "Sun" followed by garbage.
    cursor in(text);
    if (in.name(long_days, weekday))
      return parse_rfc850_rest(in, t) ? to_time_point(t) : std::nullopt;
  }
  cursor in(text);
  if (!in.name(short_days, weekday))
    return std::nullopt;
  if (text.size() > 3 && text[3] == ',')
    return parse_imf_rest(in, t) ? to_time_point(t) : std::nullopt;
  return parse_asctime_rest(in, t) ? to_time_point(t) : std::nullopt;
}

std::string format_http_date(std::chrono::system_clock::time_point time) {
  const std::int64_t seconds =
      std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const std::int64_t second_of_day = seconds - days * 86400;

  // civil_from_days (H. Hinnant), the inverse of days_from_civil.
  const std::int64_t weekday = days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6;  // 0 = Sunday
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);

  std::string out;
  out.reserve(29);
  out += short_days[static_cast<std::size_t>((weekday + 6) % 7)];
  out += ", ";
  append_two_digits(out, day);
  out += ' ';
  out += month_names[month - 1];
  out += ' ';
  out += std::to_string(year);
  out += ' ';
  append_two_digits(out, static_cast<unsigned>(second_of_day / 3600));
  out += ':';
  append_two_digits(out, static_cast<unsigned>(second_of_day / 60 % 60));
  out += ':';
  append_two_digits(out, static_cast<unsigned>(second_of_day % 60));
  out += " GMT";
  return out;
}

}  // namespace here::oauth::detail

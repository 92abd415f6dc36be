// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace here::oauth::detail {

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31), computed
/// arithmetically (H. Hinnant's days_from_civil): no time zone, locale or C library involved.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);  // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

constexpr bool is_leap_year(std::int64_t year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/// Parses an HTTP date (RFC 9110 §5.6.7): the IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and the
/// obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime "Sun Nov  6 08:49:37 1994" forms.
/// Names are matched case-insensitively; the weekday is not checked against the date. A two-digit
/// RFC 850 year below 70 is 20yy, otherwise 19yy. Returns nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

/// Formats a time as an IMF-fixdate (whole seconds, always GMT).
std::string format_http_date(std::chrono::system_clock::time_point time);

}  // namespace here::oauth::detail

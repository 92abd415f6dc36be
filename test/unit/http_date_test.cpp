// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "protocol/http_date.hpp"

namespace here::oauth::detail {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point at(std::int64_t unix_seconds) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(seconds(unix_seconds)));
}

// RFC 9110's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
constexpr std::int64_t rfc_example = 784111777;

TEST(HttpDate, ParsesImfFixdate) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), at(rfc_example));
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), at(0));
  EXPECT_EQ(parse_http_date("Fri, 31 Dec 1999 23:59:59 GMT"), at(946684799));
  EXPECT_EQ(parse_http_date("Tue, 19 Jan 2038 03:14:08 GMT"), at(2147483648));  // past 32 bits
}

TEST(HttpDate, ParsesObsoleteRfc850) {
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), at(rfc_example));
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), at(0));
  // Two-digit years below 70 are in this century.
  EXPECT_EQ(parse_http_date("Wednesday, 01-Jan-25 00:00:00 GMT"), at(1735689600));
}

TEST(HttpDate, ParsesAsctime) {
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), at(rfc_example));
  EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994"), at(rfc_example));
  EXPECT_EQ(parse_http_date("Thu Jan  1 00:00:00 1970"), at(0));
}

TEST(HttpDate, ToleratesCaseAndSurroundingWhitespace) {
  EXPECT_EQ(parse_http_date("  sun, 06 NOV 1994 08:49:37 gmt\t"), at(rfc_example));
}

TEST(HttpDate, HandlesLeapYears) {
  EXPECT_EQ(parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"), at(1709208000));
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), at(951782400));  // 400-year rule
  EXPECT_EQ(parse_http_date("Wed, 01 Mar 2000 00:00:00 GMT"), at(951868800));
  EXPECT_FALSE(parse_http_date("Wed, 29 Feb 2023 00:00:00 GMT"));
  EXPECT_FALSE(parse_http_date("Mon, 29 Feb 2100 00:00:00 GMT"));  // 100-year rule
  EXPECT_FALSE(parse_http_date("Sun Feb 29 00:00:00 1900"));
  EXPECT_TRUE(parse_http_date("Sun Feb 29 00:00:00 1904"));
}

TEST(HttpDate, RejectsDatesTheClockCannotHold) {
  EXPECT_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"));
  EXPECT_FALSE(parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"));
}

TEST(HttpDate, LeapSecondCountsAsTheNextMinute) {
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), at(1483228800));
}

TEST(HttpDate, RejectsInvalidInput) {
  for (const char* bad : {
           "",
           "garbage",
           "Sun, 06 Nov 1994 08:49:37",         // no zone
           "Sun, 06 Nov 1994 08:49:37 PST",     // not GMT
           "Sun, 06 Nov 1994 08:49:37 GMT+1",   // trailing text
           "Sun, 6 Nov 1994 08:49:37 GMT",      // one-digit day
           "Sun, 06 Nov 94 08:49:37 GMT",       // two-digit year in IMF-fixdate
           "Sun, 06 Xyz 1994 08:49:37 GMT",     // month
           "Sun, 32 Jan 1994 08:49:37 GMT",     // day
           "Sun, 31 Apr 1994 08:49:37 GMT",     // April has 30 days
           "Sun, 00 Jan 1994 08:49:37 GMT",     // day 0
           "Sun, 06 Nov 1994 24:00:00 GMT",     // hour
           "Sun, 06 Nov 1994 08:60:00 GMT",     // minute
           "Sun, 06 Nov 1994 08:49:61 GMT",     // second
           "Sun, 06 Nov 1994 8:49:37 GMT",      // one-digit hour
           "Sun,06 Nov 1994 08:49:37 GMT",      // missing space
           "Xyz, 06 Nov 1994 08:49:37 GMT",     // weekday
           "Sunday, 06-Nov-1994 08:49:37 GMT",  // four-digit year in RFC 850
           "Sunday, 06 Nov 94 08:49:37 GMT",    // RFC 850 needs dashes
           "Sun Nov  6 08:49:37 94",            // asctime needs four digits
           "Sun Nov 6 08:49:37 1994",           // asctime pads with a space
           "Sun Nov  6 08:49:37 1994 GMT",      // trailing text
           "1994-11-06T08:49:37Z",              // ISO 8601 is not an HTTP date
           "784111777",
       }) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

TEST(HttpDate, DaysFromCivilAgreesWithTheStandardCalendar) {
  using namespace std::chrono;
  for (int y = 1600; y <= 2400; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d : {1u, 15u, days_in_month(y, m)}) {
        const auto expected = sys_days(year{y} / month{m} / day{d}).time_since_epoch().count();
        ASSERT_EQ(days_from_civil(y, m, d), expected) << y << "-" << m << "-" << d;
      }
    }
  }
}

TEST(HttpDate, FormatsImfFixdateAndRoundTrips) {
  EXPECT_EQ(format_http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(at(rfc_example)), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(at(1709208000)), "Thu, 29 Feb 2024 12:00:00 GMT");
  EXPECT_EQ(format_http_date(at(-1)), "Wed, 31 Dec 1969 23:59:59 GMT");
  // Sub-second parts are dropped, not rounded.
  EXPECT_EQ(format_http_date(at(0) + std::chrono::milliseconds(999)),
            "Thu, 01 Jan 1970 00:00:00 GMT");
  for (std::int64_t t = -86400LL * 365 * 50; t < 86400LL * 365 * 250; t += 86400LL * 97 + 3607) {
    ASSERT_EQ(parse_http_date(format_http_date(at(t))), at(t)) << t;
  }
}

/// Sets TZ for one test and puts the old value back.
class scoped_tz {
 public:
  explicit scoped_tz(const char* tz) {
    if (const char* old = std::getenv("TZ"))
      old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~scoped_tz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(HttpDate, DoesNotDependOnTheLocalTimeZone) {
  for (const char* tz : {"UTC0", "EST5EDT,M3.2.0,M11.1.0", "<+14>-14", "America/Los_Angeles"}) {
    scoped_tz zone(tz);
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), at(rfc_example)) << tz;
    EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), at(rfc_example)) << tz;
    EXPECT_EQ(format_http_date(at(rfc_example)), "Sun, 06 Nov 1994 08:49:37 GMT") << tz;
  }
}

}  // namespace
}  // namespace here::oauth::detail

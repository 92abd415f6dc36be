// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the credentials unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <here/oauth/credentials.hpp>

namespace here::oauth::test_support {

constexpr std::string_view minimal_credentials =
    "here.access.key.id=id\nhere.access.key.secret=secret\n";

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Runs f, which must throw credentials_error, and returns the error.
template <class F>
credentials_error expect_credentials_error(F&& f) {
  try {
    f();
  } catch (const credentials_error& e) {
    return e;
  }
  ADD_FAILURE() << "no credentials_error thrown";
  return credentials_error({}, "");
}

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
// Sets and unsets environment variables for one test and puts every one back as it was when the
// test first touched it. Header-only: unit and integration tests share it.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace here::oauth::test_support {

class scoped_env {
 public:
  scoped_env() = default;
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;
  ~scoped_env() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }

  void set(const char* name, const std::string& value) {
    remember(name);
    ::setenv(name, value.c_str(), 1);
  }
  void unset(const char* name) {
    remember(name);
    ::unsetenv(name);
  }

 private:
  // Only the first value counts: it is the one the test found.
  void remember(const char* name) {
    for (const auto& saved : saved_) {
      if (saved.first == name)
        return;
    }
    const char* old = ::getenv(name);
    saved_.emplace_back(name, old != nullptr ? std::optional<std::string>(old) : std::nullopt);
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace here::oauth::test_support

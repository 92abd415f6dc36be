// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "common/wipe.hpp"

namespace here::oauth::detail {

/// Wipes a string that held secret bytes when it goes out of scope (on errors too), unless
/// released.
class wipe_guard {
 public:
  explicit wipe_guard(std::string& s) noexcept : s_(&s) {}
  wipe_guard(const wipe_guard&) = delete;
  wipe_guard& operator=(const wipe_guard&) = delete;
  ~wipe_guard() {
    if (s_ != nullptr)
      wipe(*s_);
  }
  void release() noexcept { s_ = nullptr; }

 private:
  std::string* s_;
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include "provider/completing_details.hpp"

namespace here::oauth::detail {
namespace {
thread_local const error_details* completing = nullptr;
}  // namespace

const error_details* completing_details() noexcept {
  return completing;
}

completing_scope::completing_scope(const error_details* details) noexcept : previous_(completing) {
  completing = details;
}

completing_scope::~completing_scope() {
  completing = previous_;
}

}  // namespace here::oauth::detail

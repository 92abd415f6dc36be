// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/error.hpp>

namespace here::oauth::detail {

/// While a waiter's handler runs, the details of the error it completes with (null otherwise).
///
/// Performance trick (a thread_local): token()'s completion turns them into the token_error that
/// co_await throws without a copy of error_details (four strings) kept per waiter; it is part of
/// what took a herd waiter from 800 to 112 bytes (docs/performance.md).
const error_details* completing_details() noexcept;

/// Sets completing_details() for the duration of a handler call.
class completing_scope {
 public:
  explicit completing_scope(const error_details* details) noexcept;
  ~completing_scope();
  completing_scope(const completing_scope&) = delete;
  completing_scope& operator=(const completing_scope&) = delete;

 private:
  const error_details* previous_;
};

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace here::oauth::detail {

/// Overwrites the string's whole buffer (OPENSSL_cleanse, which the optimizer cannot drop), then
/// empties it: for copies of the secret that would otherwise linger in freed memory.
void wipe(std::string& s) noexcept;

}  // namespace here::oauth::detail

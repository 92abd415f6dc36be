// SPDX-License-Identifier: Apache-2.0
#pragma once

// A check that stops a fuzz run loudly: libFuzzer (and the replay driver) report the abort with
// the input that caused it. Used for the invariants each target asserts beyond "no crash".

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define HERE_FUZZ_CHECK(condition)                                                           \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)

namespace here::oauth::fuzz {

/// Printable ASCII only (space included): what may go into a message shown to people.
inline bool printable_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E)
      return false;
  }
  return true;
}

}  // namespace here::oauth::fuzz

// SPDX-License-Identifier: Apache-2.0
#pragma once

// Counting replacements of the global operator new/delete (counting_allocator.cpp), linked into
// the herd benchmark only. Each thread counts what it allocates and frees itself, so a server
// thread's allocations do not blur what the measuring thread did. Sizes are malloc_usable_size():
// what the allocator really hands out.

#include <cstddef>
#include <cstdint>

namespace here::oauth::bench::allocations {

/// Bytes allocated minus bytes freed by this thread since it started.
std::int64_t live_bytes() noexcept;
/// Allocations made by this thread since it started.
std::int64_t count() noexcept;

/// Records the requested size of each allocation this thread makes, up to `capacity`, until
/// stop_trace(); returns how many were recorded (more may have happened).
void start_trace(std::size_t* sizes, std::size_t capacity) noexcept;
std::size_t stop_trace() noexcept;

}  // namespace here::oauth::bench::allocations

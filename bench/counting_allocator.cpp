// SPDX-License-Identifier: Apache-2.0
// Counting versions of the C allocation functions, interposed over glibc's in the herd benchmark
// only. Interposing malloc rather than operator new matters: Asio allocates coroutine frames and
// handlers with std::aligned_alloc, which a replaced operator new never sees. The real work is
// done by glibc's own entry points (__libc_malloc and friends).
#include "counting_allocator.hpp"

#include <malloc.h>

#include <cerrno>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* p);
}

// Called for each traced allocation: a place for a debugger's breakpoint (gdb -ex "break
// here_oauth_traced_allocation") to see where each of one waiter's allocations comes from.
extern "C" [[gnu::noinline]] void here_oauth_traced_allocation(std::size_t size) noexcept {
  asm volatile("" : : "r"(size) : "memory");
}

namespace here::oauth::bench::allocations {
namespace {

struct thread_counts {
  std::int64_t live = 0;
  std::int64_t count = 0;
  std::size_t* trace = nullptr;
  std::size_t trace_capacity = 0;
  std::size_t traced = 0;
};
thread_local thread_counts counts;

void* allocated(void* p, std::size_t requested) noexcept {
  if (p == nullptr)
    return p;
  counts.live += static_cast<std::int64_t>(malloc_usable_size(p));
  ++counts.count;
  if (counts.trace != nullptr) {
    if (counts.traced < counts.trace_capacity)
      counts.trace[counts.traced] = requested;
    ++counts.traced;
    here_oauth_traced_allocation(requested);
  }
  return p;
}

void released_bytes(std::size_t usable) noexcept {
  counts.live -= static_cast<std::int64_t>(usable);
}

void released(void* p) noexcept {
  if (p != nullptr)
    released_bytes(malloc_usable_size(p));
}

}  // namespace

std::int64_t live_bytes() noexcept {
  return counts.live;
}
std::int64_t count() noexcept {
  return counts.count;
}

void start_trace(std::size_t* sizes, std::size_t capacity) noexcept {
  counts.trace = sizes;
  counts.trace_capacity = capacity;
  counts.traced = 0;
}

std::size_t stop_trace() noexcept {
  counts.trace = nullptr;
  return counts.traced;
}

}  // namespace here::oauth::bench::allocations

namespace counting = here::oauth::bench::allocations;

extern "C" {

void* malloc(std::size_t size) {
  return counting::allocated(__libc_malloc(size), size);
}

void* calloc(std::size_t count, std::size_t size) {
  return counting::allocated(__libc_calloc(count, size), count * size);
}

void* realloc(void* p, std::size_t size) {
  if (p == nullptr)
    return malloc(size);
  const std::size_t old_usable = malloc_usable_size(p);
  void* q = __libc_realloc(p, size);
  if (q == nullptr && size != 0)
    return nullptr;  // p is untouched
  counting::released_bytes(old_usable);
  return counting::allocated(q, size);
}

void free(void* p) {
  counting::released(p);
  __libc_free(p);
}

void* memalign(std::size_t alignment, std::size_t size) {
  return counting::allocated(__libc_memalign(alignment, size), size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  return counting::allocated(__libc_memalign(alignment, size), size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0)
    return EINVAL;
  void* p = counting::allocated(__libc_memalign(alignment, size), size);
  if (p == nullptr)
    return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

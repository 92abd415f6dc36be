#include "published_token.hpp"

#include <array>

namespace here::oauth::detail {
namespace {

std::atomic<std::uint64_t> next_id{1};

// A few providers per thread at once is the common case; more just means more misses.
struct thread_entry {
  std::uint64_t owner = 0;
  std::uint64_t generation = 0;
  std::shared_ptr<const token_snapshot> snapshot;
};
struct thread_cache {
  std::array<thread_entry, 4> entries;
  unsigned next_victim = 0;

  thread_entry& find(std::uint64_t owner) {
    for (auto& e : entries) {
      if (e.owner == owner)
        return e;
    }
    thread_entry& victim = entries[next_victim++ % entries.size()];
    victim = thread_entry{owner, 0, nullptr};
    return victim;
  }
};
thread_local thread_cache cache;

}  // namespace

published_token::published_token() : id_(next_id.fetch_add(1, std::memory_order_relaxed)) {}

void published_token::publish(std::shared_ptr<const token_snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  current_ = std::move(snapshot);
  generation_.fetch_add(1, std::memory_order_release);
}

bool published_token::withdraw_if(const std::string& token_value) {
  std::lock_guard lock(mutex_);
  if (!current_ || current_->token.value != token_value)
    return false;
  current_.reset();
  generation_.fetch_add(1, std::memory_order_release);
  return true;
}

const token_snapshot* published_token::load() const {
  const std::uint64_t generation = generation_.load(std::memory_order_acquire);
  thread_entry& entry = cache.find(id_);
  if (entry.generation != generation) {
    std::lock_guard lock(mutex_);
    entry.snapshot = current_;
    entry.generation = generation_.load(std::memory_order_relaxed);
  }
  return entry.snapshot.get();
}

}  // namespace here::oauth::detail

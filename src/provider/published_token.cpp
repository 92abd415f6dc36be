// SPDX-License-Identifier: Apache-2.0
#include "provider/published_token.hpp"

#include <array>

namespace here::oauth::detail {
namespace {

std::atomic<std::uint64_t> next_id{1};

// A few providers per thread at once is the common case; more just means more misses.
struct thread_entry {
  std::uint64_t owner = 0;
  std::uint64_t generation = 0;
  std::shared_ptr<const token_snapshot> snapshot;
  std::shared_ptr<published_token::hit_cell> cell;
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
    victim = thread_entry{owner, 0, nullptr, nullptr};
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

const token_snapshot* published_token::load(hit_cell** cell) const {
  const std::uint64_t generation = generation_.load(std::memory_order_acquire);
  thread_entry& entry = cache.find(id_);
  // A new entry has generation 0, which is never current: it always comes through here first.
  if (entry.generation != generation) {
    std::lock_guard lock(mutex_);
    entry.snapshot = current_;
    entry.generation = generation_.load(std::memory_order_relaxed);
    if (!entry.cell)
      entry.cell = cell_for(std::this_thread::get_id());
  }
  if (cell != nullptr)
    *cell = entry.cell.get();
  return entry.snapshot.get();
}

std::shared_ptr<published_token::hit_cell> published_token::cell_for(std::thread::id thread) const {
  // A thread whose entry was evicted (it uses more than four providers) gets its cell back, so the
  // registry holds one cell per thread that ever read this object.
  for (const auto& [owner, cell] : cells_) {
    if (owner == thread)
      return cell;
  }
  cells_.emplace_back(thread, std::make_shared<hit_cell>());
  return cells_.back().second;
}

std::uint64_t published_token::hits() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [owner, cell] : cells_)
    total += cell->count.load(std::memory_order_relaxed);
  return total;
}

}  // namespace here::oauth::detail

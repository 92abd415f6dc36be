// SPDX-License-Identifier: Apache-2.0
#include "transport/tls_context_cache.hpp"

#include <sys/stat.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "transport/tls_context.hpp"

namespace here::oauth::detail {
namespace {

// What makes two contexts the same: the options that choose trust anchors, and the identity of
// the ca_file's current contents (a replaced file must not be served from an old context).
struct tls_key {
  bool system_store = true;
  // Where the system's anchors are (SSL_CERT_FILE / SSL_CERT_DIR may change them).
  std::string system_file;
  std::vector<std::string> system_directories;
  std::string ca_file;
  std::string ca_directory;
  long long ca_file_size = -1;
  long long ca_file_mtime_ns = -1;
  unsigned long long ca_file_inode = 0;

  friend bool operator<(const tls_key& a, const tls_key& b) {
    return std::tie(a.system_store, a.system_file, a.system_directories, a.ca_file, a.ca_directory,
                    a.ca_file_size, a.ca_file_mtime_ns, a.ca_file_inode) <
           std::tie(b.system_store, b.system_file, b.system_directories, b.ca_file, b.ca_directory,
                    b.ca_file_size, b.ca_file_mtime_ns, b.ca_file_inode);
  }
};

tls_key key_of(const request_options& options, const system_trust_paths& system) {
  tls_key key;
  key.system_store = options.use_system_trust_store;
  if (key.system_store) {
    // The bundle only counts when it is read: SSL_CERT_FILE, or no hashed directory.
    if (system.file_from_environment || system.hashed_directories.empty())
      key.system_file = system.file;
    key.system_directories = system.hashed_directories;
  }
  key.ca_file = options.ca_file.string();
  key.ca_directory = options.ca_directory.string();
  struct stat st {};
  if (!key.ca_file.empty() && ::stat(key.ca_file.c_str(), &st) == 0) {
    key.ca_file_size = static_cast<long long>(st.st_size);
    key.ca_file_mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL +
                           static_cast<long long>(st.st_mtim.tv_nsec);
    key.ca_file_inode = static_cast<unsigned long long>(st.st_ino);
  }
  return key;
}

struct context_cache {
  // Held while a context is built: concurrent first users wait for that one build instead of
  // each parsing the trust store. No network I/O happens under it.
  std::mutex mutex;
  std::map<tls_key, std::weak_ptr<boost::asio::ssl::context>> contexts;
  std::atomic<std::size_t> built{0};
};

context_cache& cache() {
  static context_cache instance;  // never destroyed before the last client: clients hold contexts
  return instance;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> shared_tls_context(const request_options& options,
                                                              boost::system::error_code& ec,
                                                              error_details& details) {
  ec.clear();
  const system_trust_paths system =
      options.use_system_trust_store ? find_system_trust_paths() : system_trust_paths{};
  const tls_key key = key_of(options, system);
  context_cache& c = cache();
  const std::lock_guard lock(c.mutex);
  auto& slot = c.contexts[key];
  if (auto context = slot.lock())
    return context;
  auto context = make_tls_context(options, system, ec, details);
  if (!context) {
    c.contexts.erase(key);
    return nullptr;
  }
  c.built.fetch_add(1, std::memory_order_relaxed);
  slot = context;
  // Entries of contexts nobody uses any more are dropped as new ones come, so the map stays as
  // small as the set of option sets in use.
  for (auto it = c.contexts.begin(); it != c.contexts.end();) {
    it = it->second.expired() ? c.contexts.erase(it) : std::next(it);
  }
  return context;
}

std::size_t tls_contexts_built() noexcept {
  return cache().built.load(std::memory_order_relaxed);
}

}  // namespace here::oauth::detail

#include <here/oauth/token_cache.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "provider/clock_offset.hpp"
#include "provider/provider_access.hpp"

namespace here::oauth {
namespace detail {

/// The providers by scope. The map is read under a shared lock (the common case: the scope's
/// provider exists) and written under an exclusive one; no I/O runs under either (making a
/// provider opens no file and parses no trust store).
class token_cache_impl {
 public:
  token_cache_impl(boost::asio::any_io_executor ex, credentials creds, provider_options options)
      : ex_(std::move(ex)), options_(std::move(options)), creds_(std::move(creds)) {
    options_.scope.clear();
    provider_access::validate(creds_, options_);  // throws token_error, as token_provider does
  }

  token_provider& provider(std::string_view scope) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = providers_.find(scope); it != providers_.end())
        return *it->second;
    }
    std::unique_lock lock(mutex_);
    if (auto it = providers_.find(scope); it != providers_.end())
      return *it->second;
    provider_options options = options_;
    options.scope = std::string(scope);
    credentials creds = creds_;
    if (warnings_reported_)
      creds.warnings.clear();  // reported once, by the first provider
    warnings_reported_ = true;
    provider_environment env;
    env.offset = offset_;  // one offset learnt for all scopes
    auto provider = provider_access::wrap(
        provider_access::make_https_core(ex_, std::move(creds), std::move(options), env));
    return *providers_.emplace(std::string(scope), std::move(provider)).first->second;
  }

  token_provider* find(std::string_view scope) const {
    std::shared_lock lock(mutex_);
    auto it = providers_.find(scope);
    return it == providers_.end() ? nullptr : it->second.get();
  }

  void for_each(const std::function<void(token_provider&)>& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [scope, provider] : providers_)
      f(*provider);
  }

  void update_credentials(credentials creds) {
    provider_access::validate(creds, options_);
    std::unique_lock lock(mutex_);
    creds.warnings.clear();
    creds_ = creds;
    for (const auto& [scope, provider] : providers_)
      provider->update_credentials(creds);  // prepared here, swapped on each provider's strand
  }

  std::size_t size() const {
    std::shared_lock lock(mutex_);
    return providers_.size();
  }

 private:
  boost::asio::any_io_executor ex_;
  provider_options options_;
  clock_offset offset_;
  mutable std::shared_mutex mutex_;
  credentials creds_;               // guarded by mutex_: what providers made from now on start with
  bool warnings_reported_ = false;  // guarded by mutex_
  std::map<std::string, std::unique_ptr<token_provider>, std::less<>> providers_;  // by scope
};

void async_cache_token_impl(const std::shared_ptr<token_cache_impl>& impl, std::string_view scope,
                            token_handler handler) {
  impl->provider(scope).async_token(std::move(handler));
}

}  // namespace detail

token_cache::token_cache(boost::asio::any_io_executor ex, credentials creds,
                         provider_options options)
    : impl_(std::make_shared<detail::token_cache_impl>(std::move(ex), std::move(creds),
                                                       std::move(options))) {}

token_cache::~token_cache() {
  cancel();
}

boost::asio::awaitable<access_token> token_cache::token(std::string_view scope) {
  // The scope's provider lives as long as the cache: its awaitable needs nothing of ours.
  return impl_->provider(scope).token();
}

std::optional<access_token> token_cache::cached(std::string_view scope) const {
  const token_provider* p = impl_->find(scope);
  return p != nullptr ? p->cached() : std::nullopt;
}

void token_cache::invalidate(const access_token& rejected) {
  // Only the provider holding this token acts on it; the others compare and ignore it.
  impl_->for_each([&](token_provider& p) { p.invalidate(rejected); });
}

void token_cache::cancel() {
  impl_->for_each([](token_provider& p) { p.cancel(); });
}

void token_cache::update_credentials(credentials creds) {
  impl_->update_credentials(std::move(creds));
}

std::size_t token_cache::size() const {
  return impl_->size();
}

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include "token_cache.hpp"

#include <string>

namespace here::oauth::cli {

run_cache::run_cache(const options& args, const credentials& creds, diagnostics& err) : err_(err) {
  if (args.no_cache)
    return;
  const std::filesystem::path directory = file_token_store::default_directory();
  if (directory.empty()) {
    if (args.verbose)
      err_.line("no token cache: none of HERE_TOKEN_CACHE_DIR, XDG_CACHE_HOME and HOME is set");
    return;
  }
  store_ = std::make_unique<file_token_store>(directory);
  key_.endpoint_url = creds.token_endpoint_url;
  key_.access_key_id = creds.access_key_id;
  key_.scope = !args.scope.empty() ? args.scope : creds.scope;
  key_.requested_lifetime = args.expires_in;
}

void run_cache::report_warnings() {
  if (!store_)
    return;
  const auto& warnings = store_->warnings();
  for (; warnings_reported_ < warnings.size(); ++warnings_reported_)
    err_.warning(warnings[warnings_reported_]);
}

void run_cache::drop() {
  report_warnings();
  store_.reset();
}

}  // namespace here::oauth::cli

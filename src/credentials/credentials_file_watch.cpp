// SPDX-License-Identifier: Apache-2.0
#include "credentials/credentials_file_watch.hpp"

#include <new>
#include <utility>

#include <boost/system/errc.hpp>

#include <here/oauth/error.hpp>

#include "credentials/load_credentials.hpp"

namespace here::oauth::detail {

bool same_credentials(const credentials& a, const credentials& b) noexcept {
  return a.access_key_id == b.access_key_id && a.access_key_secret == b.access_key_secret &&
         a.token_endpoint_url == b.token_endpoint_url && a.scope == b.scope &&
         a.user_id == b.user_id && a.client_id == b.client_id;
}

credentials_file_watch::credentials_file_watch(const credentials& loaded, loader load)
    : file_(loaded.file), last_{loaded.file_version, 0}, load_(std::move(load)) {
  if (!load_)
    load_ = load_credentials_file;
}

credentials_file_watch::change credentials_file_watch::check() const {
  if (!watching())
    return change::unchanged;
  if (last_.stamp.racy)
    return change::changed;  // the version read may hide a rewrite in the same tick: read again
  return observe_file(file_) == last_ ? change::unchanged : change::changed;
}

credentials_file_watch::reload_result credentials_file_watch::reload() {
  reload_result result;
  if (!watching()) {
    result.error = make_error_code(error::credentials_file_unreadable);
    result.message = "credentials were not loaded from a file: nothing to reload";
    return result;
  }
  file_observation seen;
  try {
    result.creds = load_(file_, seen);
  } catch (const credentials_error& e) {
    result.error = e.code();
    result.message = e.what();
  } catch (const std::bad_alloc&) {
    result.error = make_error_code(boost::system::errc::not_enough_memory);
    result.message = "out of memory reading '" + file_.string() + "'";
  }
  // The version just read, whether it loaded or not: a broken file is not read again (nor
  // reported again) until it changes.
  last_ = seen;
  return result;
}

credentials_file_watch::poll_result credentials_file_watch::poll(const credentials& current,
                                                                 bool force) {
  poll_result result;
  if (!watching() || (!force && check() == change::unchanged))
    return result;
  reload_result loaded = reload();
  if (!loaded.ok()) {
    result.what = outcome::failed;
    result.error = loaded.error;
    result.message = std::move(loaded.message);
    return result;
  }
  if (same_credentials(*loaded.creds, current))
    return result;
  result.what = outcome::reloaded;
  result.creds = std::move(loaded.creds);
  return result;
}

}  // namespace here::oauth::detail

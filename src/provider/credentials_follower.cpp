#include "provider/credentials_follower.hpp"

#include <utility>

namespace here::oauth::detail {

credentials_follower::credentials_follower(credentials creds, fetch_factory factory,
                                           credentials_file_watch::loader load)
    : factory_(std::move(factory)),
      load_(std::move(load)),
      current_(std::move(creds)),
      watch_(current_, load_),
      fetch_(factory_(current_)) {}

credentials_follower::change credentials_follower::poll(bool force) {
  change result;
  credentials_file_watch::poll_result polled = watch_.poll(current_, force);
  switch (polled.what) {
    case credentials_file_watch::outcome::unchanged:
      return result;
    case credentials_file_watch::outcome::failed:
      result.what = change::kind::failed;
      result.message =
          "credentials file changed but cannot be used; keeping the previous "
          "credentials: " +
          polled.message;
      return result;
    case credentials_file_watch::outcome::reloaded:
      break;
  }
  try {
    fetch_function fetch = factory_(*polled.creds);
    current_ = std::move(*polled.creds);
    fetch_ = std::move(fetch);
  } catch (const token_error& e) {
    result.what = change::kind::failed;
    result.message =
        "credentials file changed but cannot be used; keeping the previous "
        "credentials: " +
        std::string(e.what());
    return result;
  }
  result.what = change::kind::reloaded;
  result.message = "credentials reloaded from '" + watch_.file().string() + "'";
  return result;
}

void credentials_follower::replace(credentials creds, fetch_function fetch) {
  current_ = std::move(creds);
  fetch_ = std::move(fetch);
  watch_ = credentials_file_watch(current_, load_);
}

}  // namespace here::oauth::detail

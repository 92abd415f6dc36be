// SPDX-License-Identifier: Apache-2.0
// load_credentials: one credentials file, read safely (credentials_file.hpp), parsed, and
// remembered (path and stamp) so that a provider can follow it when the key is rotated.
#include <here/oauth/credentials.hpp>

#include <new>
#include <system_error>

#include <here/oauth/error.hpp>

#include "credentials/credentials_file.hpp"
#include "credentials/load_credentials.hpp"
#include "credentials/wipe_guard.hpp"

namespace here::oauth {

namespace detail {

credentials load_credentials_file(const std::filesystem::path& file, file_observation& seen) {
  std::string text;
  wipe_guard guard(text);  // the file's bytes hold the secret, on every way out
  const unsigned permissions = read_credentials_file(file, text, seen);
  credentials result = parse_credentials(text, file.string());
  std::error_code absolute_ec;
  result.file = std::filesystem::absolute(file, absolute_ec);
  if (absolute_ec)
    result.file = file;
  result.file_version = seen.stamp;
  if (std::string warning = permission_warning(file, permissions); !warning.empty())
    result.warnings.push_back(std::move(warning));
  return result;
}

}  // namespace detail

credentials load_credentials(const std::filesystem::path& file) {
  detail::file_observation seen;
  return detail::load_credentials_file(file, seen);
}

credentials load_credentials(const std::filesystem::path& file, boost::system::error_code& ec,
                             std::string& diagnostic) {
  try {
    ec.clear();
    diagnostic.clear();
    return load_credentials(file);
  } catch (const credentials_error& e) {
    ec = e.code();
    diagnostic = e.what();
  } catch (const std::bad_alloc&) {
    ec = make_error_code(boost::system::errc::not_enough_memory);
    diagnostic = "out of memory reading '" + file.string() + "'";
  }
  return {};
}

credentials load_credentials(const std::filesystem::path& file, boost::system::error_code& ec) {
  std::string diagnostic;
  return load_credentials(file, ec, diagnostic);
}

}  // namespace here::oauth

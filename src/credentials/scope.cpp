// SPDX-License-Identifier: Apache-2.0
#include "credentials/scope.hpp"

namespace here::oauth::detail {

std::string_view effective_scope(const credentials& creds,
                                 const request_options& options) noexcept {
  if (!options.scope.empty())
    return options.scope;
  return creds.scope;
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
// Which scope a token request asks for: the option's, else the credentials' (here.token.scope).
#pragma once

#include <string_view>

#include <here/oauth/credentials.hpp>
#include <here/oauth/request_options.hpp>

namespace here::oauth::detail {

/// The scope to send: options.scope when it is not empty (the option wins), otherwise
/// creds.scope (here.token.scope of the credentials file, or HERE_TOKEN_SCOPE); empty for an
/// unscoped token. A view into one of the two arguments: keep them alive while it is used.
std::string_view effective_scope(const credentials& creds, const request_options& options) noexcept;

}  // namespace here::oauth::detail

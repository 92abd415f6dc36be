// SPDX-License-Identifier: Apache-2.0
#pragma once

// The credentials.properties the local token server hands out (here-token-server
// --credentials-out, local_token_server::write_credentials_file): HERE's format, so that any HERE
// client, the SDK's default chain included, can read it.

#include <filesystem>
#include <string>
#include <string_view>

namespace here::oauth::test_support {

/// Made-up user and client ids (HERE's files carry them; the protocol does not use them).
inline constexpr std::string_view server_user_id = "HERE-00000000-0000-4000-8000-000000000001";
inline constexpr std::string_view server_client_id = "here-token-server-client";

/// Java .properties escaping of a value: backslashes, CR, LF, tab and a leading space.
std::string properties_escape(std::string_view value);

/// Writes here.user.id, here.client.id, here.access.key.id, here.access.key.secret and
/// here.token.endpoint.url to file (mode 0600). Throws std::runtime_error when it cannot.
void write_credentials_properties(const std::filesystem::path& file, std::string_view key_id,
                                  std::string_view secret, std::string_view endpoint_url);

}  // namespace here::oauth::test_support

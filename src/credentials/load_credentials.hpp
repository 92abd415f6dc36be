// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>

#include <here/oauth/credentials.hpp>

#include "credentials/credentials_file.hpp"

namespace here::oauth::detail {

/// load_credentials(file), also telling what the file looked like when it was read: seen is set
/// when this throws too (a missing file, a malformed one), so a watch can tell whether a broken
/// file changed again since.
credentials load_credentials_file(const std::filesystem::path& file, file_observation& seen);

}  // namespace here::oauth::detail

#pragma once

// The SDK's version, also sent in the User-Agent header of every token request.
#define HERE_OAUTH_VERSION_MAJOR 0
#define HERE_OAUTH_VERSION_MINOR 1
#define HERE_OAUTH_VERSION_PATCH 0
#define HERE_OAUTH_VERSION_STRING "0.1.0"

namespace here::oauth {
inline constexpr const char* version_string = HERE_OAUTH_VERSION_STRING;
}  // namespace here::oauth

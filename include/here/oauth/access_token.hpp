// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <string>

namespace here::oauth {

/// A bearer token issued by the HERE token endpoint.
struct HERE_OAUTH_API access_token {
  std::string value;       ///< the bearer token itself
  std::string token_type;  ///< as sent by the server, e.g. "bearer"
  std::string scope;       ///< empty when the token is not project-scoped
  std::chrono::system_clock::time_point
      expires_at;  ///< for display and logs; the SDK times on steady_clock

  /// "Bearer <value>", the value of the Authorization header of a HERE API request.
  std::string authorization_header() const { return "Bearer " + value; }

  friend bool operator==(const access_token&, const access_token&) = default;
};

/// The first characters of a token and its length, for logs: a whole token is never logged.
HERE_OAUTH_API std::string redact_token(const std::string& token_value);

}  // namespace here::oauth

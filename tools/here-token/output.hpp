// SPDX-License-Identifier: Apache-2.0
#pragma once

// What here-token prints on stdout for a token, in each --format (docs/here-token.md). Pure: the
// caller passes "now". Unit-tested in test/unit/here_token_output_test.cpp.

#include <chrono>
#include <string>

#include <here/oauth/access_token.hpp>

#include "arguments.hpp"

namespace here::oauth::cli {

/// What is printed on stdout for a token, newline included:
///   token:  the token;
///   header: "Authorization: Bearer <token>";
///   json:   {"access_token":…,"token_type":…,"expires_in":N,"expires_at":"…Z","scope":…|null},
///           written with Boost.JSON; expires_in counts from now, never negative.
std::string format_token(output_format format, const access_token& token,
                         std::chrono::system_clock::time_point now);

/// "2026-11-29T22:01:46Z": ISO 8601, UTC, whole seconds (rounded down).
std::string format_iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace here::oauth::cli

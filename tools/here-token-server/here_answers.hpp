// SPDX-License-Identifier: Apache-2.0
#pragma once

// What HERE's token endpoint sends, as the local token server builds it: HERE-shaped JSON bodies
// for tokens and errors, error ids, JWT-shaped access tokens and the Date header's format.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace here::oauth::test_support {

/// HERE's message for 401300 (a wrong key id, secret or signature).
inline constexpr std::string_view signature_mismatch_message =
    "Signature mismatch. Authorization signature or client credential is wrong.";

/// A non-negative decimal integer of at most 18 digits (oauth_timestamp, expires_in, errorCode),
/// or nullopt.
std::optional<std::int64_t> parse_decimal(std::string_view text);

/// {"errorId":"ERROR-<uuid>","httpStatus":S,"errorCode":C,"message":M} (errorCode is a number).
std::string here_error_body(unsigned http_status, std::string_view error_code,
                            std::string_view message);
/// The errorCode used for a bare status: 401300 for 401, 429002 for 429, 400200 for 400,
/// otherwise status * 1000 (e.g. 503000).
std::string default_error_code(unsigned http_status);
/// The errorCode of a HERE-shaped JSON body ("401300"), or an empty string.
std::string error_code_in(std::string_view json_body);
/// A reason phrase-like message for a bare status.
std::string default_error_message(unsigned http_status);
/// {"access_token":T,"token_type":"bearer","expires_in":N} (+ "scope" when not empty).
std::string token_response_body(std::string_view access_token, std::chrono::seconds expires_in,
                                std::string_view scope = {});
/// "ERROR-" followed by a random version-4 UUID.
std::string make_error_id();
/// A JWT-like token (header.payload.signature, base64url) of exactly `size` characters, unique
/// thanks to `serial` and random bytes. Below about 48 characters it is random characters only.
std::string make_access_token(std::size_t size, std::string_view key_id,
                              std::chrono::system_clock::time_point issued_at,
                              std::chrono::seconds lifetime, std::string_view scope,
                              std::uint64_t serial);
/// RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::chrono::system_clock::time_point when);

}  // namespace here::oauth::test_support

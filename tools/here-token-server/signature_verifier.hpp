// SPDX-License-Identifier: Apache-2.0
#pragma once

// The local token server's own OAuth 1.0 HMAC-SHA256 verification (RFC 5849 §3.4): it rebuilds
// the signature base string from what arrived on the wire (method, Host header, request target,
// Authorization parameters, form body) and compares MACs in constant time. It shares nothing with
// the SDK's signer (not even its percent-encoding), so each implementation checks the other.

#include <optional>
#include <string>
#include <string_view>

#include "oauth_header_parser.hpp"

namespace here::oauth::test_support {

/// What the server received, as needed to rebuild the base string.
struct received_request {
  std::string_view method = "POST";
  std::string_view scheme = "https";  ///< how it was received: "https" or "http"
  std::string_view host;              ///< the Host header: "127.0.0.1:8443", "[::1]:8443"
  std::string_view target;            ///< origin-form request target: "/oauth2/token?a=b"
  const parameter_list* oauth_parameters = nullptr;  ///< decoded Authorization parameters
  const parameter_list* body_parameters = nullptr;   ///< decoded form body, may be null
};

/// RFC 5849 §3.4.1.2 from a Host header and a request target: lower-case scheme and host, the
/// port unless it is the scheme's default, the path without the query. nullopt when the host or
/// the target is unusable (empty host, bad port, target not starting with '/').
std::optional<std::string> base_string_uri_from_host(std::string_view scheme, std::string_view host,
                                                     std::string_view target);

/// RFC 5849 §3.4.1: METHOD&encode(base string URI)&encode(normalized parameters), where the
/// parameters are the Authorization ones except oauth_signature and realm, the body's and the
/// query's, each name and value encoded and then sorted. nullopt when the request is unusable.
std::optional<std::string> rebuild_signature_base_string(const received_request& request);

/// Standard base64 (with '=' padding), or base64url without padding.
std::string encode_base64(std::string_view bytes, bool url_safe = false);

/// base64(HMAC-SHA256(encode(consumer_secret) + "&", base_string)), via OpenSSL's EVP_MAC.
std::string expected_signature(std::string_view base_string, std::string_view consumer_secret);

/// Whether signature (base64, as decoded from the header) is the HMAC of base_string under the
/// secret. Compares with CRYPTO_memcmp.
bool signature_matches(std::string_view base_string, std::string_view consumer_secret,
                       std::string_view signature);

}  // namespace here::oauth::test_support

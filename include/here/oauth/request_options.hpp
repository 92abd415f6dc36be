// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <here/oauth/export.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <here/oauth/http_transport.hpp>

namespace here::oauth {

/// How one token request is made: what is asked for and how it travels.
struct HERE_OAUTH_API request_options {
  /// Project-scoped token: the project's HRN, e.g. "hrn:here:authorization::org123:project/p".
  std::string scope;
  /// Sent as expires_in: the token lifetime asked for. The server may grant less.
  std::optional<std::chrono::seconds> requested_lifetime;

  /// Extra trust anchors (PEM file), added to the system store unless use_system_trust_store is
  /// false.
  std::filesystem::path ca_file;
  /// Extra trust anchors as an OpenSSL hashed certificate directory.
  std::filesystem::path ca_directory;
  /// Trust the system's CA store (besides ca_file/ca_directory). Verification itself cannot be
  /// turned off.
  bool use_system_trust_store = true;

  /// One deadline for the whole request: resolve, connect, TLS, write and read.
  std::chrono::milliseconds request_timeout{10000};

  /// HTTPS proxy, "http://[user:pass@]host:port". Empty: HTTPS_PROXY/https_proxy (with NO_PROXY)
  /// when use_environment_proxy is true, else a direct connection.
  std::string proxy;
  /// With proxy empty: the proxy from HTTPS_PROXY/https_proxy; NO_PROXY/no_proxy exempt hosts.
  bool use_environment_proxy = true;

  /// http:// endpoints are refused unless this is set (for local test servers only).
  bool allow_plain_http = false;

  /// Empty: "here-oauth-cpp/<version>".
  std::string user_agent;

  /// A larger body is error::response_too_large (1 KiB to 64 MiB).
  std::size_t max_response_body_bytes = 64 * 1024;
  /// A larger header block is error::response_too_large (1 KiB to 1 MiB).
  std::size_t max_response_header_bytes = 16 * 1024;

  /// Empty: the built-in HTTPS transport. Set: this function moves each HTTP exchange instead (see
  /// http_transport); the SDK still validates, signs, builds the request, applies
  /// request_timeout and the size limits, and parses the answer. No trust store is loaded and no
  /// proxy used (the TLS and proxy options above are ignored).
  http_transport transport;
};

}  // namespace here::oauth

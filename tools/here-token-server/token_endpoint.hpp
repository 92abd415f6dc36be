// SPDX-License-Identifier: Apache-2.0
#pragma once

// The decisions of the local token server, without sockets: given what arrived and "now", which
// answer HERE's token endpoint would give (the bodies come from here_answers.hpp). Not
// thread-safe: the server calls it under its lock.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "here_answers.hpp"

namespace here::oauth::test_support {

struct endpoint_settings {
  std::string access_key_id;
  std::string access_key_secret;
  std::chrono::seconds token_lifetime{3600};
  std::chrono::seconds timestamp_window{600};
  std::size_t token_size = 900;
};

/// One request as received. Absent headers are nullopt.
struct endpoint_request {
  std::string_view method = "POST";
  std::string_view scheme = "https";
  std::string_view host;    ///< the Host header
  std::string_view target;  ///< e.g. "/oauth2/token"
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> content_type;
  std::string_view body;
};

struct endpoint_answer {
  unsigned status = 200;
  std::string body;          ///< JSON, HERE's shape
  std::string error_code;    ///< HERE's errorCode when status is not 200
  std::string access_token;  ///< the token issued when status is 200
  std::chrono::seconds expires_in{0};
};

class token_endpoint {
 public:
  explicit token_endpoint(endpoint_settings settings);

  /// Checks, in order: path /oauth2/token (404), method POST (405), Authorization header present
  /// (401200) and well-formed with every required oauth_* parameter (401202), signature method
  /// HMAC-SHA256 (401205), oauth_version 1.0 if present (401206), consumer key known (401300),
  /// Content-Type form-urlencoded (400003 absent, 400004 other), a decodable body (400200),
  /// timestamp within the window around now (401204), the signature (401300), the nonce not used
  /// within the window (401207), grant_type=client_credentials (400201 absent, 400203 other),
  /// expires_in a positive integer if present (400203). Then issues a token whose lifetime is
  /// lifetime_override or the configured one, capped by the request's expires_in; a requested
  /// scope is echoed.
  endpoint_answer handle(const endpoint_request& request, std::chrono::system_clock::time_point now,
                         std::optional<std::chrono::seconds> lifetime_override = {});

  void set_token_lifetime(std::chrono::seconds lifetime) { settings_.token_lifetime = lifetime; }
  const endpoint_settings& settings() const noexcept { return settings_; }
  std::size_t remembered_nonces() const noexcept { return nonces_.size(); }

 private:
  struct remembered {
    std::chrono::system_clock::time_point forget_after;
    std::string key;
  };
  void forget_old_nonces(std::chrono::system_clock::time_point now);

  endpoint_settings settings_;
  std::unordered_set<std::string> nonces_;
  std::deque<remembered> nonce_order_;
  std::uint64_t serial_ = 0;
};

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <here/oauth/secret_string.hpp>

#include "common/percent_encoding.hpp"
#include "credentials/endpoint.hpp"

namespace here::oauth::detail {

/// Everything that goes into one OAuth 1.0 signature. Pure data: the caller picks nonce and time.
struct signature_input {
  std::string_view method = "POST";
  /// The endpoint as parse_endpoint took it apart (base string URI and query parameters). When
  /// null, url is parsed instead (RFC 5849 rules), once per call.
  const endpoint* target = nullptr;
  std::string_view url;                  ///< used when target is null: query parameters included
  const parameter_list* body = nullptr;  ///< form body parameters (decoded), may be null
  std::string_view consumer_key;
  std::string_view consumer_secret;  ///< the raw secret; the key is encode(secret) + "&"
  std::string_view nonce;
  std::int64_t timestamp = 0;  ///< seconds since the Unix epoch
};

/// The result of signing: the header to send, and the pieces for debugging.
struct signed_request {
  std::string authorization_header;  ///< the value of the Authorization header: "OAuth ..."
  std::string signature_base_string;
  std::string signature;  ///< base64 HMAC-SHA256, not percent-encoded
  std::string nonce;
  std::int64_t timestamp = 0;
};

/// Signs per RFC 5849 with HMAC-SHA256: the oauth_* parameters (consumer key, nonce,
/// signature method, timestamp, version 1.0) and the body go through signature_base_string(), and
/// the key is encode(consumer_secret) "&" (there is no token secret). Throws
/// std::invalid_argument when there is no target and url is not an absolute http(s) URL.
signed_request sign_request(const signature_input& input);

/// url parsed with RFC 5849's rules (url_rules::rfc5849); std::invalid_argument when it is not an
/// absolute http(s) URL with a host, has a port outside 1-65535 or a malformed query escape.
endpoint signing_endpoint(std::string_view url);

/// The RFC 5849 §3.4.1.2 base string URI: lower-case scheme and host, default port dropped, an
/// empty path written as "/", query and fragment removed. The path keeps its own encoding. Throws
/// std::invalid_argument when url is not an absolute http(s) URL. (signing_endpoint(url).
/// base_string_uri: what the signer uses is computed once, by parse_endpoint.)
std::string base_string_uri(std::string_view url);

/// RFC 5849 §3.4.1.3.2, the normalized request parameters: each decoded name and value is
/// percent-encoded (§3.6), the pairs are sorted by encoded name and then by encoded value (byte
/// order), and joined as "name=value" with "&". Repeated names are all kept.
std::string normalize_parameters(const parameter_list& decoded);

/// RFC 5849 §3.4.1.1, the signature base string:
///   encode(upper-case method) "&" encode(base_string_uri(url)) "&" encode(normalized parameters)
/// where the parameters are decoded_params plus the parameters of url's query (decoded as form
/// syntax, so '+' is a space). decoded_params holds the oauth_* protocol parameters (without
/// oauth_signature and realm) and the form body. Throws std::invalid_argument when url is not an
/// absolute http(s) URL or its query has a malformed escape.
std::string signature_base_string(std::string_view method, std::string_view url,
                                  const parameter_list& decoded_params);

/// The same for an endpoint parsed once: its base_string_uri and its query parameters.
std::string signature_base_string(std::string_view method, const endpoint& target,
                                  const parameter_list& decoded_params);

/// 32 characters of the unreserved set from 24 bytes of OpenSSL's CSPRNG (192 bits).
std::string generate_nonce();

/// Signs token requests with one key pair. Each call takes a fresh nonce and "now"; both sources
/// can be replaced so tests are deterministic. Safe to call from several threads at once when the
/// sources are.
class request_signer {
 public:
  using clock_source = std::function<std::chrono::system_clock::time_point()>;
  using nonce_source = std::function<std::string()>;

  request_signer(std::string consumer_key, secret_string consumer_secret, clock_source clock = {},
                 nonce_source nonce = {});

  /// clock_offset is added to the local time: the server's clock minus ours, learnt from its Date.
  /// The SDK signs this way: the endpoint was parsed once, when the token client was built.
  signed_request sign(std::string_view method, const endpoint& target, const parameter_list& body,
                      std::chrono::seconds clock_offset = {}) const;

  /// The same for a URL, parsed (RFC 5849 rules) on every call: for tests and tools. Throws
  /// std::invalid_argument for a URL signing_endpoint refuses.
  signed_request sign(std::string_view method, std::string_view url, const parameter_list& body,
                      std::chrono::seconds clock_offset = {}) const;

  const std::string& consumer_key() const noexcept { return consumer_key_; }

 private:
  std::string consumer_key_;
  secret_string consumer_secret_;
  clock_source clock_;
  nonce_source nonce_;
};

}  // namespace here::oauth::detail

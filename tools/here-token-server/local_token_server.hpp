// SPDX-License-Identifier: Apache-2.0
#pragma once

// A local HERE-compatible OAuth token endpoint (POST /oauth2/token) over HTTPS on loopback, for
// integration tests (and the program here-token-server, main.cpp). It verifies OAuth 1.0
// HMAC-SHA256 signatures with its own code (independent of the SDK's signer), answers in HERE's
// JSON shapes, and can be scripted to misbehave per request.
//
// It runs on its own io_context and thread(s): a test's client may use a single-threaded
// io_context. Every member function is thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <here/oauth/credentials.hpp>

#include "certificates.hpp"
#include "scripted_reply.hpp"

namespace here::oauth::test_support {

struct server_options {
  std::string access_key_id = "test-access-key-id";
  std::string access_key_secret = "test/secret+with=reserved&chars~";
  std::chrono::seconds token_lifetime{3600};
  std::chrono::seconds timestamp_window{600};
  std::chrono::seconds clock_shift{0};  ///< server clock = system clock + shift
  std::string host = "127.0.0.1";       ///< "::1" for IPv6; loopback addresses only
  unsigned short port = 0;              ///< 0: ephemeral
  std::vector<std::string> certificate_names{"localhost", "127.0.0.1", "::1"};
  bool subject_alt_name = true;  ///< false: the first name in the subject CN only (a CN-only cert)
  std::size_t token_size = 900;  ///< length of each access token (at least 48 for uniqueness)
  bool plain_http = false;       ///< serve http:// (for the plain-HTTP opt-in test)
  unsigned threads = 1;
  std::size_t oversized_body_bytes = 1024 * 1024;
};

/// One HTTP request as the server received it (for assertions on what a client sent).
struct recorded_request {
  std::string method;
  std::string target;
  std::string host;           ///< the Host header
  std::string authorization;  ///< the Authorization header
  std::string content_type;
  std::string user_agent;
  std::string body;
  fault applied = fault::none;  ///< what the script or the random fault rate made of it
};

/// HERE errorCodes this server sends. The SDK maps every 4012xx/4013xx to signature_rejected.
namespace error_codes {
inline constexpr std::string_view authorization_missing = "401200";  ///< no Authorization header
inline constexpr std::string_view header_malformed = "401202";  ///< not OAuth, garbage, duplicate
                                                                ///< or missing parameters
inline constexpr std::string_view timestamp_outside_window = "401204";
inline constexpr std::string_view signature_method_unsupported = "401205";
inline constexpr std::string_view version_unsupported = "401206";
inline constexpr std::string_view nonce_replayed = "401207";  ///< HERE's "Nonce already consumed"
inline constexpr std::string_view signature_mismatch = "401300";  ///< also an unknown key id
inline constexpr std::string_view rate_limited = "429002";
}  // namespace error_codes

class local_token_server {
 public:
  /// Generates certificates, binds and listens: it accepts connections when it returns.
  /// Throws (boost::system::system_error) when the address cannot be bound, e.g. no IPv6.
  explicit local_token_server(server_options options = {});
  /// Stops accepting, closes every connection (hanging ones too), joins its threads and removes
  /// its temporary directory.
  ~local_token_server();

  local_token_server(const local_token_server&) = delete;
  local_token_server& operator=(const local_token_server&) = delete;

  /// "https://127.0.0.1:PORT/oauth2/token" ("https://[::1]:PORT/..." for IPv6, http:// when plain).
  std::string url() const;
  /// The same scheme, host and port with no path: "https://127.0.0.1:PORT".
  std::string origin() const;
  unsigned short port() const;
  /// PEM of the CA that signed the server's certificate, in a temp dir the destructor removes.
  const std::filesystem::path& ca_file() const;
  const generated_certificates& certificates() const;
  /// Key id, secret and url() (and made-up user and client ids).
  here::oauth::credentials credentials() const;
  /// Writes a HERE credentials.properties file for this server (mode 0600).
  void write_credentials_file(const std::filesystem::path& file) const;

  /// The next request without a script (FIFO) gets this reply.
  void push(scripted_reply reply);
  /// Scripted replies not used yet.
  std::size_t pending_replies() const;
  void set_clock_shift(std::chrono::seconds shift);
  void set_token_lifetime(std::chrono::seconds lifetime);
  /// Key rotation: from now on only this key is accepted (the old one gets 401300), and
  /// credentials() and write_credentials_file() give it. Remembered nonces are forgotten.
  void set_credentials(std::string key_id, std::string secret);
  /// From now on, each request without a script gets a random fault with this probability (0
  /// turns it off): hang, close_before_response, close_mid_response, 503, 429, malformed_json,
  /// non_json_body, a 200 ms delay or a 1 ms/byte trickle. The same seed gives the same sequence.
  void set_fault_rate(double probability, std::uint64_t seed);
  /// The server's clock: system clock + the clock shift.
  std::chrono::system_clock::time_point now() const;

  std::size_t request_count() const;     ///< HTTP requests received, any outcome
  std::size_t connection_count() const;  ///< TCP connections accepted
  std::size_t tokens_issued() const;
  std::size_t max_concurrent_requests() const;  ///< most requests in flight at once
  std::vector<std::string> issued_tokens() const;
  std::vector<std::string> rejected_error_codes() const;  ///< errorCode of each 4xx sent, in order
  std::vector<recorded_request> requests() const;         ///< every request received, in order

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/percent_encoding.hpp"

namespace here::oauth::detail {

/// The token endpoint URL, parsed once (parse_endpoint) and passed on: the credentials check uses
/// the same parser, the signer reads base_string_uri and query, the request builder the target and
/// Host header, the transport the host and port.
struct endpoint {
  std::string url;           ///< as configured; sent to a custom transport as the request's URL
  bool https = true;         ///< false for http:// (only with allow_plain_http)
  std::string host;          ///< lower-case DNS name or IP literal, IPv6 without brackets
  bool host_is_ip = false;   ///< an IPv4 or IPv6 literal: no SNI, IP SAN verification
  std::uint16_t port = 443;  ///< explicit or the scheme's default
  std::string target;        ///< request target: path and query, "/" when the path is empty
  std::string host_header;   ///< value of the Host header: host[:port], IPv6 in brackets
  /// RFC 5849 §3.4.1.2: lower-case scheme and host, the port unless it is the scheme's default,
  /// the path as written ("/" when empty), no query, no fragment.
  std::string base_string_uri;
  /// The query's parameters, decoded as form syntax ('+' is a space): RFC 5849 §3.4.1.3.1 signs
  /// them with the protocol and body parameters.
  parameter_list query;

  /// "host:port" (IPv6 in brackets), for messages.
  std::string authority() const;
};

/// "host:port" with IPv6 literals in brackets.
std::string format_authority(std::string_view host, std::uint16_t port);

/// How strictly parse_endpoint reads a URL.
enum class url_rules {
  /// What a token endpoint may be (check_endpoint_url): an absolute http(s) URL with a host that
  /// DNS and TLS can use (no IPvFuture, no control characters), no user information, no fragment,
  /// and a port of 1-65535 when one is written.
  token_endpoint,
  /// What RFC 5849 can sign (the signer's URL-taking functions, for tests and tools): any absolute
  /// http(s) URL with a host; user information and a fragment are ignored, an empty port is the
  /// scheme's default, a written port must still be 1-65535.
  rfc5849,
};

/// Parses an absolute http(s) URL, once, into everything the later stages need. On failure
/// returns nullopt and says why in problem (never quoting the URL, which may hold a secret).
std::optional<endpoint> parse_endpoint(std::string_view url, std::string& problem,
                                       url_rules rules = url_rules::token_endpoint);

}  // namespace here::oauth::detail

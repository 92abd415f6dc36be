#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace here::oauth::detail {

/// The token endpoint URL taken apart for the transport and the request builder.
struct endpoint {
  std::string url;           ///< as configured; this is what gets signed
  bool https = true;         ///< false for http:// (only with allow_plain_http)
  std::string host;          ///< lower-case DNS name or IP literal, IPv6 without brackets
  bool host_is_ip = false;   ///< an IPv4 or IPv6 literal: no SNI, IP SAN verification
  std::uint16_t port = 443;  ///< explicit or the scheme's default
  std::string target;        ///< request target: path and query, "/" when the path is empty
  std::string host_header;   ///< value of the Host header: host[:port], IPv6 in brackets

  /// "host:port" (IPv6 in brackets), for messages.
  std::string authority() const;
};

/// "host:port" with IPv6 literals in brackets.
std::string format_authority(std::string_view host, std::uint16_t port);

/// Parses an absolute http(s) URL. On failure returns nullopt and says why in problem.
std::optional<endpoint> parse_endpoint(std::string_view url, std::string& problem);

}  // namespace here::oauth::detail

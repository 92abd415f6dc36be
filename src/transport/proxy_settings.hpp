// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <here/oauth/request_options.hpp>
#include <here/oauth/secret_string.hpp>

namespace here::oauth::detail {

/// An HTTP proxy that tunnels HTTPS with CONNECT.
struct proxy_config {
  std::string host;             ///< DNS name or IP literal, IPv6 without brackets
  std::uint16_t port = 1080;    ///< curl's default when the URL names none
  secret_string authorization;  ///< "Basic <base64(user:password)>", empty without user info
  std::string source;  ///< where it came from, e.g. "request_options::proxy", "HTTPS_PROXY"

  /// "host:port" for messages; never the credentials.
  std::string authority() const;
};

/// Parses "http://[user[:password]@]host[:port][/]" or "host:port" (http:// assumed). User and
/// password are percent-decoded. On failure returns nullopt and says why in problem, which never
/// repeats the URL (it may hold a password).
std::optional<proxy_config> parse_proxy_url(std::string_view url, std::string& problem);

/// Whether a NO_PROXY value exempts host:port from the proxy: entries separated by commas or
/// white space; "*" matches everything; "example.com" and ".example.com" match the domain and its
/// subdomains; "host:port" and "[v6]:port" match that port only; IP literals match exactly and
/// CIDR blocks ("10.0.0.0/8", "fd00::/8") match the addresses they cover. Case-insensitive.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port);

/// Reads an environment variable: nullopt when unset or empty.
using environment_lookup = std::function<std::optional<std::string>(const char* name)>;

/// The process environment (std::getenv).
std::optional<std::string> process_environment(const char* name);

struct proxy_choice {
  std::optional<proxy_config> proxy;  ///< null: connect directly
  std::string problem;                ///< not empty: the configured proxy is invalid
};

/// The proxy for a request to host:port: request_options::proxy when set (for any scheme);
/// otherwise, for https endpoints with use_environment_proxy, https_proxy or HTTPS_PROXY unless
/// no_proxy / NO_PROXY exempts the host (lower-case names first, as curl does).
proxy_choice select_proxy(const request_options& options, bool https, std::string_view host,
                          std::uint16_t port, const environment_lookup& env);

}  // namespace here::oauth::detail

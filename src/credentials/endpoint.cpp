// SPDX-License-Identifier: Apache-2.0
#include "credentials/endpoint.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "common/ascii.hpp"

namespace here::oauth::detail {

std::string format_authority(std::string_view host, std::uint16_t port) {
  std::string out;
  const bool ipv6 = host.find(':') != std::string_view::npos;
  if (ipv6)
    out += '[';
  out += host;
  if (ipv6)
    out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string endpoint::authority() const {
  return format_authority(host, port);
}

std::optional<endpoint> parse_endpoint(std::string_view url, std::string& problem,
                                       url_rules rules) {
  const bool strict = rules == url_rules::token_endpoint;
  problem.clear();
  auto fail = [&problem](const char* why) -> std::optional<endpoint> {
    problem = why;
    return std::nullopt;
  };

  // parse_uri, not parse_absolute_uri: a fragment is then reported as such (or ignored).
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return fail("not an absolute URL");
  const boost::urls::url_view& u = *parsed;

  endpoint ep;
  const std::string scheme = ascii_lower(u.scheme());
  if (scheme != "https" && scheme != "http")
    return fail("scheme must be https (or http)");
  ep.https = scheme == "https";
  if (!u.has_authority() || u.encoded_host().empty())
    return fail("URL has no host");
  if (strict && u.has_userinfo())
    return fail("URL must not contain user information");
  if (strict && u.has_fragment())
    return fail("URL must not contain a fragment");

  const std::uint16_t default_port = ep.https ? 443 : 80;
  ep.port = default_port;
  if (u.has_port() && (strict || !u.port().empty())) {
    // Not u.port_number(): Boost.URL 1.81 wraps ports above 65535 (":65979" would become 443).
    const auto port = parse_port(u.port());
    if (!port)
      return fail("URL has an invalid port");
    ep.port = *port;
  }

  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      ep.host = std::string(u.encoded_host());
      ep.host_is_ip = true;
      break;
    case boost::urls::host_type::ipv6:
      ep.host = u.host_ipv6_address().to_string();
      ep.host_is_ip = true;
      break;
    case boost::urls::host_type::name:
      ep.host = u.host_name();  // percent-decoded
      break;
    default:
      if (strict)
        return fail("unsupported host (IPvFuture)");
      ep.host = std::string(u.encoded_host());
      break;
  }
  ep.host = ascii_lower(ep.host);
  if (strict) {
    if (ep.host.empty())
      return fail("URL has no host");
    for (char c : ep.host) {
      if (c == ' ' || is_ascii_control(c))
        return fail("host contains control characters or spaces");
    }
  }

  const std::string_view path = u.encoded_path();
  ep.target = path.empty() ? "/" : std::string(path);
  if (u.has_query()) {
    // RFC 5849 §3.4.1.3.1: the query is application/x-www-form-urlencoded, so '+' is a space.
    auto query = parse_form_parameters(u.encoded_query());
    if (!query)
      return fail("URL query has a malformed escape");
    ep.query = std::move(*query);
    ep.target += '?';
    ep.target += u.encoded_query();
  }

  ep.host_header = u.host_type() == boost::urls::host_type::ipv6 ? "[" + ep.host + "]" : ep.host;
  if (ep.port != default_port)
    ep.host_header += ":" + std::to_string(ep.port);

  // The host as written (still encoded, IPv6 in brackets), lower-cased; the port only when it is
  // not the scheme's default.
  const std::string_view encoded_host = u.encoded_host();
  ep.base_string_uri.reserve(scheme.size() + 3 + encoded_host.size() + 6 + path.size() + 1);
  ep.base_string_uri += scheme;
  ep.base_string_uri += "://";
  for (char c : encoded_host)
    ep.base_string_uri.push_back(ascii_lower(c));
  if (ep.port != default_port) {
    ep.base_string_uri += ':';
    ep.base_string_uri += std::to_string(ep.port);
  }
  ep.base_string_uri += path.empty() ? std::string_view("/") : path;

  ep.url = std::string(url);
  return ep;
}

}  // namespace here::oauth::detail

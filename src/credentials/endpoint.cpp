#include "credentials/endpoint.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <here/oauth/credentials.hpp>

#include "common/ascii.hpp"
#include "common/percent_encoding.hpp"

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

std::optional<endpoint> parse_endpoint(std::string_view url, std::string& problem) {
  problem = check_endpoint_url(url);
  if (!problem.empty())
    return std::nullopt;
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    problem = "not an absolute URL";
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;

  endpoint ep;
  ep.url = std::string(url);
  const std::string scheme = ascii_lower(u.scheme());
  ep.https = scheme == "https";
  const std::uint16_t default_port = ep.https ? 443 : 80;

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
      problem = "unsupported host (IPvFuture)";
      return std::nullopt;
  }
  ep.host = ascii_lower(ep.host);
  if (ep.host.empty()) {
    problem = "URL has no host";
    return std::nullopt;
  }
  for (char c : ep.host) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      problem = "host contains control characters or spaces";
      return std::nullopt;
    }
  }
  ep.port = default_port;
  if (u.has_port()) {
    // Not u.port_number(): Boost.URL 1.81 wraps ports above 65535 (":65979" would become 443).
    auto port = parse_port(u.port());
    if (!port) {
      problem = "URL has an invalid port";
      return std::nullopt;
    }
    ep.port = *port;
  }

  std::string_view path = u.encoded_path();
  ep.target = path.empty() ? "/" : std::string(path);
  if (u.has_query()) {
    ep.target += '?';
    ep.target += u.encoded_query();
  }

  ep.host_header = u.host_type() == boost::urls::host_type::ipv6 ? "[" + ep.host + "]" : ep.host;
  if (ep.port != default_port)
    ep.host_header += ":" + std::to_string(ep.port);
  return ep;
}

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#include "transport/proxy_settings.hpp"

#include "common/ascii.hpp"
#include "common/percent_encoding.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/evp.h>

#include "common/wipe.hpp"
#include "credentials/endpoint.hpp"

namespace here::oauth::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string_view strip_trailing_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.')
    s.remove_suffix(1);
  return s;
}

secret_string basic_authorization(std::string_view user, std::string_view password) {
  std::string plain;
  plain.reserve(user.size() + 1 + password.size());
  plain += user;
  plain += ':';
  plain += password;
  std::string encoded(4 * ((plain.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(plain.data()),
                                      static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(written));
  std::string header = "Basic " + encoded;
  wipe(plain);
  wipe(encoded);
  return secret_string(std::move(header));
}

/// A parsed IP address: family and 4 or 16 bytes.
struct ip_bytes {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
};

std::optional<ip_bytes> parse_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45)
    return std::nullopt;
  std::string s(text);
  ip_bytes ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

bool cidr_matches(std::string_view block, std::string_view host) {
  const std::size_t slash = block.find('/');
  auto network = parse_ip(block.substr(0, slash));
  auto address = parse_ip(host);
  if (!network || !address || network->family != address->family)
    return false;
  const unsigned max_bits = network->family == AF_INET ? 32 : 128;
  std::string_view bits_text = block.substr(slash + 1);
  if (bits_text.empty() || bits_text.size() > 3)
    return false;
  unsigned bits = 0;
  for (char c : bits_text) {
    if (!is_ascii_digit(c))
      return false;
    bits = bits * 10 + static_cast<unsigned>(c - '0');
  }
  if (bits > max_bits)
    return false;
  for (unsigned i = 0; i < bits; ++i) {
    const unsigned mask = 0x80u >> (i % 8);
    if ((network->bytes[i / 8] & mask) != (address->bytes[i / 8] & mask))
      return false;
  }
  return true;
}

/// Splits an entry into host and optional port: "h", "h:p", "[v6]", "[v6]:p", "v6" (bare).
void split_entry(std::string_view entry, std::string_view& host, std::optional<std::uint16_t>& port,
                 bool& valid) {
  valid = true;
  port.reset();
  std::string_view port_text;
  if (!entry.empty() && entry.front() == '[') {
    const std::size_t close = entry.find(']');
    if (close == std::string_view::npos) {
      valid = false;
      return;
    }
    host = entry.substr(1, close - 1);
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        valid = false;
        return;
      }
      port_text = rest.substr(1);
    }
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    const std::size_t colon = entry.find(':');
    host = entry.substr(0, colon);
    port_text = entry.substr(colon + 1);
  } else {
    host = entry;  // a name, or a bare IPv6 literal
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5) {
      valid = false;
      return;
    }
    unsigned value = 0;
    for (char c : port_text) {
      if (!is_ascii_digit(c)) {
        valid = false;
        return;
      }
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
      valid = false;
      return;
    }
    port = static_cast<std::uint16_t>(value);
  }
}

bool entry_matches(std::string_view entry, std::string_view host, std::uint16_t port) {
  if (entry == "*")
    return true;
  if (entry.find('/') != std::string_view::npos)
    return cidr_matches(entry, host);

  std::string_view entry_host;
  std::optional<std::uint16_t> entry_port;
  bool valid = false;
  split_entry(entry, entry_host, entry_port, valid);
  if (!valid || entry_host.empty())
    return false;
  if (entry_port && *entry_port != port)
    return false;

  // IP literals compare as addresses, so "::1" matches "0:0::1".
  auto entry_ip = parse_ip(entry_host);
  auto host_ip = parse_ip(host);
  if (entry_ip || host_ip) {
    return entry_ip && host_ip && entry_ip->family == host_ip->family &&
           entry_ip->bytes == host_ip->bytes;
  }

  if (entry_host.starts_with("*."))
    entry_host.remove_prefix(2);  // as some tools write it
  if (entry_host.starts_with("."))
    entry_host.remove_prefix(1);
  const std::string want = ascii_lower(strip_trailing_dot(entry_host));
  const std::string have = ascii_lower(strip_trailing_dot(host));
  if (want.empty())
    return false;
  if (have == want)
    return true;
  return have.size() > want.size() &&
         have.compare(have.size() - want.size(), want.size(), want) == 0 &&
         have[have.size() - want.size() - 1] == '.';
}

}  // namespace

std::string proxy_config::authority() const {
  return format_authority(host, port);
}

std::optional<proxy_config> parse_proxy_url(std::string_view url, std::string& problem) {
  problem.clear();
  url = trim(url);
  if (url.empty()) {
    problem = "empty proxy URL";
    return std::nullopt;
  }
  std::string text(url);
  const bool scheme_assumed = text.find("://") == std::string::npos;
  if (scheme_assumed)
    text = "http://" + text;
  // Nothing of the URL is repeated in a message: it may hold a password, even where a typo put it
  // (http:/user:password@proxy is a path).
  const std::string expected = std::string("expected http://[user:password@]host[:port]") +
                               (scheme_assumed ? ", and without '://' http:// was assumed" : "");
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    wipe(text);
    problem = "not a valid URL (" + expected + ")";
    return std::nullopt;
  }
  const boost::urls::url_view& u = *parsed;
  const std::string scheme = ascii_lower(u.scheme());
  auto fail = [&](std::string why) -> std::optional<proxy_config> {
    wipe(text);
    problem = std::move(why);
    return std::nullopt;
  };
  if (scheme == "https")
    return fail("https:// proxies (TLS to the proxy) are not supported; use http://");
  if (scheme != "http")
    return fail("unsupported proxy scheme '" + scheme + "' (only http:// is supported)");
  if (!u.encoded_path().empty() && u.encoded_path() != "/")
    return fail("the proxy URL has a path after host[:port] (" + expected + ")");
  if (u.has_query() || u.has_fragment())
    return fail("the proxy URL has a query or fragment (" + expected + ")");

  proxy_config proxy;
  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
      proxy.host = std::string(u.encoded_host());
      break;
    case boost::urls::host_type::ipv6:
      proxy.host = u.host_ipv6_address().to_string();
      break;
    case boost::urls::host_type::name:
      proxy.host = ascii_lower(u.host_name());
      break;
    default:
      return fail("unsupported proxy host");
  }
  if (proxy.host.empty())
    return fail("the proxy URL has no host (" + expected + ")");
  if (u.has_port()) {
    // Not u.port_number(): Boost.URL 1.81 wraps ports above 65535.
    auto port = parse_port(u.port());
    if (!port)
      return fail("the proxy URL has an invalid port");
    proxy.port = *port;
  }
  if (u.has_userinfo()) {
    std::string user = u.user();
    std::string password = u.password();
    proxy.authorization = basic_authorization(user, password);
    wipe(user);
    wipe(password);
  }
  wipe(text);
  return proxy;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host, std::uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::size_t pos = 0;
  while (pos < no_proxy.size()) {
    std::size_t end = no_proxy.find_first_of(", \t", pos);
    if (end == std::string_view::npos)
      end = no_proxy.size();
    std::string_view entry = no_proxy.substr(pos, end - pos);
    pos = end + 1;
    if (!entry.empty() && entry_matches(entry, host, port))
      return true;
  }
  return false;
}

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string(value);
}

proxy_choice select_proxy(const request_options& options, bool https, std::string_view host,
                          std::uint16_t port, const environment_lookup& env) {
  proxy_choice choice;
  if (!options.proxy.empty()) {
    std::string problem;
    choice.proxy = parse_proxy_url(options.proxy, problem);
    if (!choice.proxy) {
      choice.problem = "request_options::proxy: " + problem;
    } else {
      choice.proxy->source = "request_options::proxy";
    }
    return choice;
  }
  if (!options.use_environment_proxy || !https || !env)
    return choice;

  const char* name = "https_proxy";
  std::optional<std::string> value = env(name);
  if (!value) {
    name = "HTTPS_PROXY";
    value = env(name);
  }
  if (!value)
    return choice;

  std::optional<std::string> exempt = env("no_proxy");
  if (!exempt)
    exempt = env("NO_PROXY");
  if (exempt && no_proxy_matches(*exempt, host, port))
    return choice;

  std::string problem;
  choice.proxy = parse_proxy_url(*value, problem);
  wipe(*value);
  if (!choice.proxy) {
    choice.problem = std::string("environment variable ") + name + ": " + problem;
  } else {
    choice.proxy->source = name;
  }
  return choice;
}

}  // namespace here::oauth::detail

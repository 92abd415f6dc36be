// SPDX-License-Identifier: Apache-2.0
#include "signature_verifier.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "oauth_header_parser.hpp"

namespace here::oauth::test_support {
namespace {

std::string to_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

std::optional<std::string> base_string_uri_from_host(std::string_view scheme, std::string_view host,
                                                     std::string_view target) {
  const std::string lower_scheme = to_lower(scheme);
  if (lower_scheme != "https" && lower_scheme != "http")
    return std::nullopt;
  if (target.empty() || target.front() != '/')
    return std::nullopt;

  // Split "host[:port]" where host may be an IP literal in brackets.
  std::string_view name = host;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    name = host.substr(0, close + 1);
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const std::size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon + 1);
    }
  }
  if (name.empty() || name.find_first_of(" \t/?#@") != std::string_view::npos)
    return std::nullopt;
  if (!port.empty() && (!all_digits(port) || port.size() > 5))
    return std::nullopt;
  // Leading zeros do not change the port: "0443" is 443.
  while (port.size() > 1 && port.front() == '0')
    port.remove_prefix(1);
  if (!port.empty() && std::stoul(std::string(port)) > 65535)
    return std::nullopt;
  const bool default_port =
      (lower_scheme == "https" && port == "443") || (lower_scheme == "http" && port == "80");

  std::string uri = lower_scheme + "://" + to_lower(name);
  if (!port.empty() && !default_port) {
    uri.push_back(':');
    uri += port;
  }
  uri += target.substr(0, target.find('?'));
  return uri;
}

std::optional<std::string> rebuild_signature_base_string(const received_request& request) {
  auto uri = base_string_uri_from_host(request.scheme, request.host, request.target);
  if (!uri || request.method.empty())
    return std::nullopt;

  std::vector<std::pair<std::string, std::string>> encoded;
  auto add_all = [&encoded](const parameter_list& list, bool skip_signature_and_realm) {
    for (const auto& [name, value] : list) {
      if (skip_signature_and_realm && (name == "oauth_signature" || name == "realm"))
        continue;
      encoded.emplace_back(encode_percent(name), encode_percent(value));
    }
  };
  if (request.oauth_parameters != nullptr)
    add_all(*request.oauth_parameters, true);
  if (request.body_parameters != nullptr)
    add_all(*request.body_parameters, false);
  if (const std::size_t q = request.target.find('?'); q != std::string_view::npos) {
    auto query = parse_form_urlencoded(request.target.substr(q + 1));
    if (!query)
      return std::nullopt;
    add_all(*query, false);
  }
  // Sort by name, then by value, comparing bytes.
  std::sort(encoded.begin(), encoded.end());

  std::string normalized;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (i != 0)
      normalized += '&';
    normalized += encoded[i].first;
    normalized += '=';
    normalized += encoded[i].second;
  }

  std::string base;
  for (char c : request.method) {
    base.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  base += '&';
  base += encode_percent(*uri);
  base += '&';
  base += encode_percent(normalized);
  return base;
}

std::string encode_base64(std::string_view bytes, bool url_safe) {
  const char* alphabet = url_safe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&bytes](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const unsigned v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0U);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2)
      out.push_back(alphabet[(v >> 6) & 63]);
    if (!url_safe)
      out.append(rest == 2 ? 1 : 2, '=');
  }
  return out;
}

std::string expected_signature(std::string_view base_string, std::string_view consumer_secret) {
  std::string key = encode_percent(consumer_secret);
  key += '&';
  std::array<unsigned char, 32> mac{};
  std::size_t mac_size = 0;
  const unsigned char* ok =
      EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(base_string.data()), base_string.size(),
                mac.data(), mac.size(), &mac_size);
  OPENSSL_cleanse(key.data(), key.size());
  if (ok == nullptr || mac_size != mac.size()) {
    throw std::runtime_error("token server: OpenSSL EVP_Q_mac HMAC-SHA256 failed");
  }
  std::string out =
      encode_base64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  OPENSSL_cleanse(mac.data(), mac.size());
  return out;
}

bool signature_matches(std::string_view base_string, std::string_view consumer_secret,
                       std::string_view signature) {
  const std::string expected = expected_signature(base_string, consumer_secret);
  // The length of a base64 HMAC-SHA256 is public (44); only the bytes are compared in constant
  // time.
  if (signature.size() != expected.size())
    return false;
  return CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace here::oauth::test_support

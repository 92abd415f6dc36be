#include <here/oauth/signer.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "percent_encoding.hpp"
#include "wipe.hpp"

namespace here::oauth {
namespace {

using encoded_pair = std::pair<std::string, std::string>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An absolute URL; a fragment is allowed (it is never sent, and the base string URI drops it).
boost::urls::url_view parse_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    throw std::invalid_argument("signer: the endpoint is not an absolute URL");
  return *parsed;
}

std::string base_string_uri(const boost::urls::url_view& u) {
  std::string scheme = lower(u.scheme());
  if (scheme != "http" && scheme != "https") {
    throw std::invalid_argument("signer: the endpoint's scheme is not http or https");
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    throw std::invalid_argument("signer: the endpoint has no host");
  }
  std::string out = scheme + "://" + lower(u.encoded_host());
  if (u.has_port() && !u.port().empty()) {
    const auto parsed_port = detail::parse_port(u.port());
    if (!parsed_port)
      throw std::invalid_argument("signer: the endpoint's port is out of range");
    const unsigned port = *parsed_port;
    const bool is_default = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    if (!is_default)
      out += ":" + std::to_string(port);
  }
  std::string_view path = u.encoded_path();
  out += path.empty() ? std::string_view("/") : path;
  return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace

std::string base_string_uri(std::string_view url) {
  return base_string_uri(parse_url(url));
}

std::string normalize_parameters(const parameter_list& decoded) {
  std::vector<encoded_pair> params;
  params.reserve(decoded.size());
  for (const auto& [name, value] : decoded) {
    params.emplace_back(percent_encode(name), percent_encode(value));
  }
  // std::string compares as unsigned bytes (char_traits<char>), which is the RFC's byte order.
  std::sort(params.begin(), params.end());

  std::string normalized;
  for (const auto& [name, value] : params) {
    if (!normalized.empty())
      normalized.push_back('&');
    normalized += name;
    normalized.push_back('=');
    normalized += value;
  }
  return normalized;
}

std::string signature_base_string(std::string_view method, std::string_view url,
                                  const parameter_list& decoded_params) {
  boost::urls::url_view u = parse_url(url);
  const std::string uri = base_string_uri(u);

  // RFC 5849 §3.4.1.3.1: the query is parsed as application/x-www-form-urlencoded, so '+' is a
  // space; its parameters join the protocol and body parameters.
  parameter_list all;
  if (u.has_query()) {
    auto query = detail::parse_form_parameters(u.encoded_query());
    if (!query)
      throw std::invalid_argument("signer: the endpoint's query has a malformed escape");
    all = std::move(*query);
  }
  all.insert(all.end(), decoded_params.begin(), decoded_params.end());
  const std::string normalized = normalize_parameters(all);

  std::string upper_method(method);
  for (char& c : upper_method)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  std::string base;
  base.reserve(upper_method.size() + uri.size() * 3 / 2 + normalized.size() * 3 / 2 + 2);
  detail::append_percent_encoded(base, upper_method);
  base.push_back('&');
  detail::append_percent_encoded(base, uri);
  base.push_back('&');
  detail::append_percent_encoded(base, normalized);
  return base;
}

signed_request sign_request(const signature_input& in) {
  signed_request out;
  out.nonce = std::string(in.nonce);
  out.timestamp = in.timestamp;
  const std::string timestamp = std::to_string(in.timestamp);

  // RFC 5849 §3.4.1.3: the oauth_* protocol parameters (no oauth_signature, no realm) and the
  // form body; signature_base_string adds the URL's query.
  parameter_list params{
      {"oauth_consumer_key", std::string(in.consumer_key)},
      {"oauth_nonce", std::string(in.nonce)},
      {"oauth_signature_method", "HMAC-SHA256"},
      {"oauth_timestamp", timestamp},
      {"oauth_version", "1.0"},
  };
  if (in.body != nullptr)
    params.insert(params.end(), in.body->begin(), in.body->end());
  out.signature_base_string = signature_base_string(in.method, in.url, params);
  const std::string& base = out.signature_base_string;

  // RFC 5849 §3.4.2: key = encode(consumer secret) "&" encode(token secret), no token here.
  // Reserved up front so no reallocation leaves a copy of the secret in freed memory.
  std::string key;
  key.reserve(in.consumer_secret.size() * 3 + 1);
  detail::append_percent_encoded(key, in.consumer_secret);
  key.push_back('&');
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac.data(), &mac_size);
  detail::wipe(key);
  if (ok == nullptr)
    throw std::runtime_error("signer: OpenSSL HMAC-SHA256 failed");
  out.signature = base64(mac.data(), mac_size);

  std::string& header = out.authorization_header;
  header = "OAuth oauth_consumer_key=\"";
  detail::append_percent_encoded(header, in.consumer_key);
  header += "\",oauth_nonce=\"";
  detail::append_percent_encoded(header, in.nonce);
  header += "\",oauth_signature=\"";
  detail::append_percent_encoded(header, out.signature);
  header += "\",oauth_signature_method=\"HMAC-SHA256\",oauth_timestamp=\"";
  header += timestamp;
  header += "\",oauth_version=\"1.0\"";
  return out;
}

std::string generate_nonce() {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 24> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed to produce a nonce");
  }
  // Each 3 bytes give 4 characters of 6 bits: 192 bits of entropy in 32 characters.
  std::string nonce;
  nonce.reserve(32);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      nonce.push_back(alphabet[(v >> shift) & 0x3F]);
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return nonce;
}

request_signer::request_signer(std::string consumer_key, secret_string consumer_secret,
                               clock_source clock, nonce_source nonce)
    : consumer_key_(std::move(consumer_key)),
      consumer_secret_(std::move(consumer_secret)),
      clock_(clock ? std::move(clock) : clock_source(&std::chrono::system_clock::now)),
      nonce_(nonce ? std::move(nonce) : nonce_source(&generate_nonce)) {}

signed_request request_signer::sign(std::string_view method, std::string_view url,
                                    const parameter_list& body,
                                    std::chrono::seconds clock_offset) const {
  const std::string nonce = nonce_();
  const auto now = clock_() + clock_offset;
  signature_input in;
  in.method = method;
  in.url = url;
  in.body = &body;
  in.consumer_key = consumer_key_;
  in.consumer_secret = consumer_secret_.reveal();
  in.nonce = nonce;
  in.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return sign_request(in);
}

}  // namespace here::oauth

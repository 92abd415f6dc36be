// SPDX-License-Identifier: Apache-2.0
#include "signing/signer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/ascii.hpp"
#include "common/percent_encoding.hpp"
#include "common/wipe.hpp"

// Signing is on every token request, and bench/sign_bench holds it to 2 µs per header: the base
// string is built from views in presized buffers with the table-driven encoder of
// common/percent_encoding.hpp, the endpoint arrives parsed (parse_endpoint, once per token
// client), and HMAC-SHA256 runs on a digest context kept per thread (see docs/performance.md).

namespace here::oauth::detail {
namespace {

// A decoded name/value pair that points into strings owned elsewhere: signing builds the base
// string from views, so no parameter is copied on the way.
struct parameter_view {
  std::string_view name;
  std::string_view value;
};

// N elements on the stack, or on the heap when more are needed.
template <class T, std::size_t N>
class small_array {
 public:
  explicit small_array(std::size_t size) : size_(size) {
    if (size > N)
      heap_ = std::make_unique<T[]>(size);
  }
  T* data() noexcept { return heap_ ? heap_.get() : local_.data(); }
  std::size_t size() const noexcept { return size_; }

 private:
  std::array<T, N> local_{};
  std::unique_ptr<T[]> heap_;
  std::size_t size_;
};

char* copy_to(char* out, std::string_view text) noexcept {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// RFC 5849 §3.4.1.3.2 over views: every name and value is encoded once into one buffer, the pairs
// are sorted by encoded name and then encoded value (byte order), and joined with '=' and '&'.
struct normalized_parameters {
  std::string text;
  std::size_t encoded_size = 0;  // the size of percent_encode(text)
};

normalized_parameters normalize(const parameter_view* params, std::size_t count) {
  struct encoded {
    std::string_view name, value;
  };
  std::size_t raw = 0;
  for (std::size_t i = 0; i < count; ++i)
    raw += params[i].name.size() + params[i].value.size();

  // Room for the worst case (every byte escaped): one pass instead of sizing first.
  // Not make_unique_for_overwrite, which libc++ 14 lacks; new char[] leaves them uninitialized too.
  std::unique_ptr<char[]> buffer(new char[3 * raw + 1]);
  small_array<encoded, 16> pairs(count);
  char* out = buffer.get();
  for (std::size_t i = 0; i < count; ++i) {
    char* name_end = encode_to(out, params[i].name);
    char* value_end = encode_to(name_end, params[i].value);
    pairs.data()[i] = {{out, static_cast<std::size_t>(name_end - out)},
                       {name_end, static_cast<std::size_t>(value_end - name_end)}};
    out = value_end;
  }
  const std::size_t total = static_cast<std::size_t>(out - buffer.get());
  // string_view compares as unsigned bytes (char_traits<char>), which is the RFC's byte order.
  std::sort(pairs.data(), pairs.data() + count, [](const encoded& a, const encoded& b) {
    return a.name < b.name || (a.name == b.name && a.value < b.value);
  });

  normalized_parameters n;
  n.text.resize(total + 2 * count - (count > 0 ? 1 : 0));
  char* p = n.text.data();
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0)
      *p++ = '&';
    p = copy_to(p, pairs.data()[i].name);
    *p++ = '=';
    p = copy_to(p, pairs.data()[i].value);
  }
  // Encoding it again turns each '%' (one per escape), '=' and '&' into three bytes.
  const std::size_t escapes = (total - raw) / 2;
  const std::size_t separators = n.text.size() - total;
  n.encoded_size = n.text.size() + 2 * (escapes + separators);
  return n;
}

// RFC 5849 §3.4.1.1 over views; params are the protocol and body parameters (decoded), and the
// endpoint's query parameters join them.
std::string base_string(std::string_view method, const endpoint& target,
                        const parameter_view* params, std::size_t count) {
  small_array<parameter_view, 16> all(count + target.query.size());
  std::copy(params, params + count, all.data());
  for (std::size_t i = 0; i < target.query.size(); ++i)
    all.data()[count + i] = {target.query[i].first, target.query[i].second};
  const normalized_parameters normalized = normalize(all.data(), all.size());

  auto upper = [](char c) { return ascii_upper(c); };
  std::string long_method;
  std::array<char, 32> short_method{};
  std::string_view upper_method;
  if (method.size() <= short_method.size()) {
    std::transform(method.begin(), method.end(), short_method.begin(), upper);
    upper_method = std::string_view(short_method.data(), method.size());
  } else {
    long_method.assign(method);
    std::transform(long_method.begin(), long_method.end(), long_method.begin(), upper);
    upper_method = long_method;
  }

  std::string base(encoded_size(upper_method) + 1 + encoded_size(target.base_string_uri) + 1 +
                       normalized.encoded_size,
                   '\0');
  char* p = encode_to(base.data(), upper_method);
  *p++ = '&';
  p = encode_to(p, target.base_string_uri);
  *p++ = '&';
  encode_to(p, normalized.text);
  return base;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

// HMAC-SHA256 (RFC 2104) over SHA-256 fetched once and a digest context kept per thread: OpenSSL
// 3's one-shot HMAC() fetches the algorithm and builds a MAC context on every call, which cost
// more than the whole rest of the signature. No key-derived state outlives a call: the padded keys
// are cleansed, and the context is left holding only the outer hash of the (public) result.
const EVP_MD* sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md;
}

struct digest_context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  digest_context() = default;
  digest_context(const digest_context&) = delete;
  digest_context& operator=(const digest_context&) = delete;
  ~digest_context() { EVP_MD_CTX_free(ctx); }
};

constexpr std::size_t sha256_block = 64;
constexpr std::size_t sha256_size = 32;

bool digest(EVP_MD_CTX* ctx, const EVP_MD* md, const unsigned char* a, std::size_t a_size,
            const unsigned char* b, std::size_t b_size, unsigned char* out) {
  unsigned int size = 0;
  return EVP_DigestInit_ex2(ctx, md, nullptr) == 1 && EVP_DigestUpdate(ctx, a, a_size) == 1 &&
         (b_size == 0 || EVP_DigestUpdate(ctx, b, b_size) == 1) &&
         EVP_DigestFinal_ex(ctx, out, &size) == 1 && size == sha256_size;
}

bool hmac_sha256(std::string_view key, std::string_view data,
                 std::array<unsigned char, sha256_size>& mac) {
  thread_local digest_context context;
  const EVP_MD* md = sha256();
  if (md == nullptr || context.ctx == nullptr)
    return false;
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto* data_bytes = reinterpret_cast<const unsigned char*>(data.data());

  std::array<unsigned char, sha256_block> block{};  // the key, hashed first when longer
  std::array<unsigned char, sha256_block> pad{};
  std::array<unsigned char, sha256_size> inner{};
  bool ok = true;
  if (key.size() > sha256_block)
    ok = digest(context.ctx, md, key_bytes, key.size(), nullptr, 0, block.data());
  else
    std::memcpy(block.data(), key_bytes, key.size());
  if (ok) {
    for (std::size_t i = 0; i < sha256_block; ++i)
      pad[i] = block[i] ^ 0x36;
    ok = digest(context.ctx, md, pad.data(), pad.size(), data_bytes, data.size(), inner.data());
  }
  if (ok) {
    for (std::size_t i = 0; i < sha256_block; ++i)
      pad[i] = block[i] ^ 0x5c;
    ok = digest(context.ctx, md, pad.data(), pad.size(), inner.data(), inner.size(), mac.data());
  }
  OPENSSL_cleanse(block.data(), block.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  OPENSSL_cleanse(inner.data(), inner.size());
  return ok;
}

}  // namespace

endpoint signing_endpoint(std::string_view url) {
  std::string problem;
  std::optional<endpoint> parsed = parse_endpoint(url, problem, url_rules::rfc5849);
  if (!parsed)
    throw std::invalid_argument("signer: the endpoint is unusable: " + problem);
  return std::move(*parsed);
}

std::string base_string_uri(std::string_view url) {
  return signing_endpoint(url).base_string_uri;
}

std::string normalize_parameters(const parameter_list& decoded) {
  small_array<parameter_view, 16> views(decoded.size());
  for (std::size_t i = 0; i < decoded.size(); ++i)
    views.data()[i] = {decoded[i].first, decoded[i].second};
  return normalize(views.data(), views.size()).text;
}

std::string signature_base_string(std::string_view method, const endpoint& target,
                                  const parameter_list& decoded_params) {
  small_array<parameter_view, 16> views(decoded_params.size());
  for (std::size_t i = 0; i < decoded_params.size(); ++i)
    views.data()[i] = {decoded_params[i].first, decoded_params[i].second};
  return base_string(method, target, views.data(), views.size());
}

std::string signature_base_string(std::string_view method, std::string_view url,
                                  const parameter_list& decoded_params) {
  return signature_base_string(method, signing_endpoint(url), decoded_params);
}

signed_request sign_request(const signature_input& in) {
  std::optional<endpoint> parsed_url;
  if (in.target == nullptr)
    parsed_url = signing_endpoint(in.url);
  const endpoint& target = in.target != nullptr ? *in.target : *parsed_url;

  signed_request out;
  out.nonce = std::string(in.nonce);
  out.timestamp = in.timestamp;
  const std::string timestamp = std::to_string(in.timestamp);

  // RFC 5849 §3.4.1.3: the oauth_* protocol parameters (no oauth_signature, no realm) and the
  // form body; base_string adds the URL's query.
  const std::size_t body_size = in.body != nullptr ? in.body->size() : 0;
  small_array<parameter_view, 16> params(5 + body_size);
  parameter_view* p = params.data();
  *p++ = {"oauth_consumer_key", in.consumer_key};
  *p++ = {"oauth_nonce", in.nonce};
  *p++ = {"oauth_signature_method", "HMAC-SHA256"};
  *p++ = {"oauth_timestamp", timestamp};
  *p++ = {"oauth_version", "1.0"};
  for (std::size_t i = 0; i < body_size; ++i)
    *p++ = {(*in.body)[i].first, (*in.body)[i].second};
  out.signature_base_string = base_string(in.method, target, params.data(), params.size());
  const std::string& base = out.signature_base_string;

  // RFC 5849 §3.4.2: key = encode(consumer secret) "&" encode(token secret), no token here.
  // Sized up front so no reallocation leaves a copy of the secret in freed memory.
  std::string key(3 * in.consumer_secret.size() + 1, '\0');
  char* key_end = encode_to(key.data(), in.consumer_secret);
  *key_end++ = '&';
  key.resize(static_cast<std::size_t>(key_end - key.data()));  // keeps the buffer: wipe() clears it
  std::array<unsigned char, sha256_size> mac{};
  const bool ok = hmac_sha256(key, base, mac);
  detail::wipe(key);
  if (!ok)
    throw std::runtime_error("signer: OpenSSL HMAC-SHA256 failed");
  out.signature = base64(mac.data(), mac.size());

  static constexpr std::string_view p1 = "OAuth oauth_consumer_key=\"";
  static constexpr std::string_view p2 = "\",oauth_nonce=\"";
  static constexpr std::string_view p3 = "\",oauth_signature=\"";
  static constexpr std::string_view p4 =
      "\",oauth_signature_method=\"HMAC-SHA256\",oauth_timestamp=\"";
  static constexpr std::string_view p5 = "\",oauth_version=\"1.0\"";
  std::string& header = out.authorization_header;
  header.resize(p1.size() + p2.size() + p3.size() + p4.size() + p5.size() +
                encoded_size(in.consumer_key) + encoded_size(in.nonce) +
                encoded_size(out.signature) + timestamp.size());
  char* h = copy_to(header.data(), p1);
  h = encode_to(h, in.consumer_key);
  h = copy_to(h, p2);
  h = encode_to(h, in.nonce);
  h = copy_to(h, p3);
  h = encode_to(h, out.signature);
  h = copy_to(h, p4);
  h = copy_to(h, timestamp);
  copy_to(h, p5);
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
  std::string nonce(32, '\0');
  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      nonce[at++] = alphabet[(v >> shift) & 0x3F];
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
  return sign(method, signing_endpoint(url), body, clock_offset);
}

signed_request request_signer::sign(std::string_view method, const endpoint& target,
                                    const parameter_list& body,
                                    std::chrono::seconds clock_offset) const {
  const std::string nonce = nonce_();
  const auto now = clock_() + clock_offset;
  signature_input in;
  in.method = method;
  in.target = &target;
  in.url = target.url;
  in.body = &body;
  in.consumer_key = consumer_key_;
  in.consumer_secret = consumer_secret_.reveal();
  in.nonce = nonce;
  in.timestamp = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return sign_request(in);
}

}  // namespace here::oauth::detail

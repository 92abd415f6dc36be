// SPDX-License-Identifier: Apache-2.0
#include "transport/tls_context.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace here::oauth::detail {
namespace ssl = boost::asio::ssl;

namespace {

/// The reason of OpenSSL's latest queued error (and clears the queue), or fallback.
std::string openssl_reason(const char* fallback) {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error())
    last = e;
  if (last == 0)
    return fallback;
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? reason : fallback;
}

std::shared_ptr<ssl::context> fail(boost::system::error_code& ec, error_details& details,
                                   std::string message) {
  ec = error::invalid_option;
  details = {};
  details.message = std::move(message);
  return nullptr;
}

/// OpenSSL fills a certificate's cached extension data (key identifiers, flags) the first time a
/// verification needs it. Two handshakes doing that at once for the same trust anchor race inside
/// OpenSSL (both compute, both install, one reads while the other writes: openssl/openssl#32609;
/// ThreadSanitizer saw it here with concurrent fetches on one client). Filling it now, while only
/// this thread knows the context, leaves handshakes just reading it. Certificates that a hashed
/// directory (the system's, ca_directory) supplies later, one lookup at a time, are filled by
/// that lookup before it adds them to the store (system_trust_store.cpp).
void fill_certificate_caches(SSL_CTX* native) {
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(SSL_CTX_get_cert_store(native));
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    if (X509* certificate = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i)))
      X509_check_purpose(certificate, -1, 0);  // purpose -1: only fill the caches
  }
  ERR_clear_error();  // a malformed extension shows up again, and is reported, at verification
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const request_options& options,
                                               const system_trust_paths& system_paths,
                                               boost::system::error_code& ec,
                                               error_details& details) {
  ec.clear();
  if (!options.use_system_trust_store && options.ca_file.empty() && options.ca_directory.empty()) {
    return fail(ec, details,
                "request_options::use_system_trust_store is false but neither ca_file nor "
                "ca_directory names trust anchors: no server could be verified");
  }

  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return fail(ec, details, "cannot require TLS 1.2: " + openssl_reason("OpenSSL refused"));
  }
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  // Peer verification cannot be turned off: there is no option for it.
  context->set_verify_mode(ssl::verify_peer);

  if (options.use_system_trust_store)
    add_system_trust_anchors(native, system_paths);

  if (!options.ca_file.empty()) {
    const std::string file = options.ca_file.string();
    std::ifstream probe(options.ca_file, std::ios::binary);
    if (!probe) {
      const int saved = errno;
      return fail(ec, details,
                  "request_options::ca_file '" + file +
                      "' cannot be read: " + std::strerror(saved != 0 ? saved : ENOENT));
    }
    probe.close();
    ERR_clear_error();
    if (SSL_CTX_load_verify_locations(native, file.c_str(), nullptr) != 1) {
      return fail(ec, details,
                  "request_options::ca_file '" + file + "' holds no usable PEM certificate: " +
                      openssl_reason("no certificate found"));
    }
  }

  if (!options.ca_directory.empty()) {
    const std::string dir = options.ca_directory.string();
    std::error_code fs_ec;
    if (!std::filesystem::is_directory(options.ca_directory, fs_ec)) {
      return fail(ec, details, "request_options::ca_directory '" + dir + "' is not a directory");
    }
    ERR_clear_error();
    if (!add_hashed_directories(native, {dir})) {
      return fail(ec, details,
                  "request_options::ca_directory '" + dir +
                      "' cannot be used: " + openssl_reason("OpenSSL refused it"));
    }
  }
  fill_certificate_caches(native);
  return context;
}

}  // namespace here::oauth::detail

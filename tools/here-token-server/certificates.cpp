// SPDX-License-Identifier: Apache-2.0
// Run-time certificates for the local token server, with the OpenSSL 3 API: a throwaway CA and a
// server certificate it signs, both EC P-256, valid for one day, with random serial numbers.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "certificates.hpp"

namespace here::oauth::test_support {
namespace {

template <class T, void (*Free)(T*)>
struct openssl_deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using openssl_ptr = std::unique_ptr<T, openssl_deleter<T, Free>>;

using pkey_ptr = openssl_ptr<EVP_PKEY, EVP_PKEY_free>;
using x509_ptr = openssl_ptr<X509, X509_free>;
using bio_ptr = openssl_ptr<BIO, BIO_free_all>;
using bignum_ptr = openssl_ptr<BIGNUM, BN_free>;
using asn1_integer_ptr = openssl_ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using extension_ptr = openssl_ptr<X509_EXTENSION, X509_EXTENSION_free>;
using general_names_ptr = openssl_ptr<GENERAL_NAMES, GENERAL_NAMES_free>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  if (unsigned long code = ERR_get_error(); code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    detail = std::string(": ") + text;
  }
  ERR_clear_error();
  throw std::runtime_error("token server certificates: " + what + detail);
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key)
    fail("EC P-256 key generation failed");
  return key;
}

void set_random_serial(X509* cert) {
  bignum_ptr number(BN_new());
  if (!number || BN_rand(number.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    fail("random serial failed");
  }
  asn1_integer_ptr serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1)
    fail("setting the serial failed");
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  extension_ptr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    fail(std::string("adding extension ") + OBJ_nid2sn(nid) + " failed");
  }
}

/// A certificate with everything but extensions and signature: v3, random serial, valid from an
/// hour ago (clock skew) to a day from now, subject CN = common_name.
x509_ptr make_certificate(EVP_PKEY* key, const std::string& common_name) {
  x509_ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    fail("X509_new failed");
  set_random_serial(cert.get());
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) == nullptr) {
    fail("setting the validity failed");
  }
  if (X509_set_pubkey(cert.get(), key) != 1)
    fail("setting the public key failed");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("here-oauth-cpp tests"), -1,
                                 -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    fail("setting the subject failed");
  }
  return cert;
}

general_names_ptr subject_alt_names(const std::vector<std::string>& names) {
  general_names_ptr list(sk_GENERAL_NAME_new_null());
  if (!list)
    fail("allocation failed");
  for (std::string name : names) {
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
      name = name.substr(1, name.size() - 2);
    }
    GENERAL_NAME* entry = GENERAL_NAME_new();
    if (entry == nullptr)
      fail("allocation failed");
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str())) {
      GENERAL_NAME_set0_value(entry, GEN_IPADD, ip);
    } else {
      ERR_clear_error();  // not an IP literal: a DNS name
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(entry);
        fail("allocation failed");
      }
      GENERAL_NAME_set0_value(entry, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(list.get(), entry) == 0) {
      GENERAL_NAME_free(entry);
      fail("allocation failed");
    }
  }
  return list;
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1)
    fail("PEM encoding failed");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr)
    fail("PEM encoding failed");
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

generated_certificates generate_certificates(const std::vector<std::string>& names,
                                             bool subject_alt_name) {
  if (names.empty())
    throw std::runtime_error("token server certificates: no names given");

  // The CA: self-signed, may sign certificates and nothing else.
  pkey_ptr ca_key = make_key();
  x509_ptr ca = make_certificate(ca_key.get(), "here-oauth-cpp throwaway test CA");
  if (X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1)
    fail("issuer failed");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca.get(), ca.get(), nullptr, nullptr, 0);
  add_extension(ca.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_extension(ca.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), &ctx, NID_subject_key_identifier, "hash");
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) <= 0)
    fail("signing the CA failed");

  // The server certificate: the given names as subjectAltName, for TLS servers only.
  pkey_ptr server_key = make_key();
  x509_ptr server = make_certificate(server_key.get(), names.front());
  if (X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get())) != 1) {
    fail("issuer failed");
  }
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca.get(), server.get(), nullptr, nullptr, 0);
  add_extension(server.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server.get(), &ctx, NID_key_usage, "critical,digitalSignature");
  add_extension(server.get(), &ctx, NID_ext_key_usage, "serverAuth");
  add_extension(server.get(), &ctx, NID_subject_key_identifier, "hash");
  add_extension(server.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (subject_alt_name) {
    general_names_ptr alt_names = subject_alt_names(names);
    if (X509_add1_ext_i2d(server.get(), NID_subject_alt_name, alt_names.get(), 0,
                          X509V3_ADD_DEFAULT) != 1) {
      fail("adding subjectAltName failed");
    }
  }
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) <= 0)
    fail("signing the server failed");

  generated_certificates out;
  out.ca_pem = pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, ca.get()); });
  out.server_cert_pem = pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, server.get()); });
  out.server_key_pem = pem_of([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
// The local token server's run-time certificates (tools/here-token-server/certificates.*): a CA
// and a server certificate that chains to it and names every host, fresh each time.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "certificates.hpp"

namespace here::oauth::test_support {
namespace {

struct x509_free_t {
  void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_free_t>;

x509_ptr read_cert(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return x509_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

TEST(TokenServerCertificates, ServerCertificateChainsToTheCaAndNamesEveryHost) {
  const generated_certificates certs = generate_certificates({"localhost", "127.0.0.1", "::1"});
  x509_ptr ca = read_cert(certs.ca_pem);
  x509_ptr server = read_cert(certs.server_cert_pem);
  ASSERT_TRUE(ca && server);

  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  ASSERT_EQ(X509_STORE_add_cert(store.get(), ca.get()), 1);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), server.get(), nullptr), 1);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));

  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_NE(X509_check_host(server.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_ip_asc(server.get(), "127.0.0.2", 0), 1);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_NE(X509_check_ca(ca.get()), 0);

  // The key is the certificate's, and the validity is short.
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(certs.server_key_pem.data(), static_cast<int>(certs.server_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(server.get(), key.get()), 1);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(server.get()),
                           X509_get0_notAfter(server.get())),
            1);
  EXPECT_LE(days, 2);
}

TEST(TokenServerCertificates, AreFreshEachTime) {
  const auto a = generate_certificates({"localhost"});
  const auto b = generate_certificates({"localhost"});
  EXPECT_NE(a.ca_pem, b.ca_pem);
  EXPECT_NE(a.server_key_pem, b.server_key_pem);
  x509_ptr ca_a = read_cert(a.ca_pem);
  x509_ptr server_b = read_cert(b.server_cert_pem);
  ASSERT_TRUE(ca_a && server_b);
  // b's server certificate was not signed by a's CA.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key(X509_get_pubkey(ca_a.get()),
                                                             &EVP_PKEY_free);
  EXPECT_NE(X509_verify(server_b.get(), ca_key.get()), 1);
  EXPECT_THROW(generate_certificates({}), std::runtime_error);
}

}  // namespace
}  // namespace here::oauth::test_support

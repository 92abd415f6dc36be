// SPDX-License-Identifier: Apache-2.0
#include "transport/tls_session.hpp"

#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace here::oauth::detail {

bool expect_peer(SSL* ssl, const endpoint& target) {
  if (target.host_is_ip)
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target.host.c_str()) == 1;
  const bool ok = SSL_set_tlsext_host_name(ssl, target.host.c_str()) == 1 &&
                  SSL_set1_host(ssl, target.host.c_str()) == 1;
  // subjectAltName only, as browsers and the CA/Browser Forum rules do: a certificate that names
  // the host only in its subject CN is refused (OpenSSL falls back to the CN without this flag).
  SSL_set_hostflags(ssl,
                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  return ok;
}

namespace {

/// Whether the server's certificate (the leaf of the chain it sent, which OpenSSL keeps even when
/// verification failed) has a subjectAltName extension; true when there is no certificate to ask.
bool peer_has_subject_alt_name(SSL* ssl) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  if (chain == nullptr || sk_X509_num(chain) == 0)
    return true;
  int critical = 0;
  void* names = X509_get_ext_d2i(sk_X509_value(chain, 0), NID_subject_alt_name, &critical, nullptr);
  if (names == nullptr)
    return critical != -1;  // -1: no such extension; else present but unparsable
  GENERAL_NAMES_free(static_cast<GENERAL_NAMES*>(names));
  return true;
}

}  // namespace

std::string describe_handshake_failure(const boost::system::error_code& ec, SSL* ssl) {
  const char* reason = ec.category() == boost::asio::error::get_ssl_category()
                           ? ERR_reason_error_string(static_cast<unsigned long>(ec.value()))
                           : nullptr;
  std::string text = reason != nullptr ? std::string(reason) : ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    text += " (";
    text += X509_verify_cert_error_string(verify);
    if ((verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) &&
        !peer_has_subject_alt_name(ssl)) {
      text += ": the certificate has no subjectAltName, and its subject CN is never used";
    }
    text += ")";
  }
  return text;
}

}  // namespace here::oauth::detail

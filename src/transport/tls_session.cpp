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
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return ok;
}

std::string describe_handshake_failure(const boost::system::error_code& ec, SSL* ssl) {
  const char* reason = ec.category() == boost::asio::error::get_ssl_category()
                           ? ERR_reason_error_string(static_cast<unsigned long>(ec.value()))
                           : nullptr;
  std::string text = reason != nullptr ? std::string(reason) : ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    text += " (";
    text += X509_verify_cert_error_string(verify);
    text += ")";
  }
  return text;
}

}  // namespace here::oauth::detail

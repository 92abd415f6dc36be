// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include <boost/system/error_code.hpp>

#include "credentials/endpoint.hpp"

struct ssl_st;  // OpenSSL's SSL

namespace here::oauth::detail {

/// What one TLS connection to target verifies, set on its SSL before the handshake: for a DNS
/// name, SNI and the host name (no partial wildcards); for an IP literal, the address (an IP SAN)
/// and no SNI (RFC 6066). The shared context (tls_context.hpp) already demands a verified chain.
/// false when OpenSSL refuses the settings.
bool expect_peer(ssl_st* ssl, const endpoint& target);

/// A failed handshake for a message: OpenSSL's reason alone ("certificate verify failed"), without
/// Asio's "(SSL routines)", and the certificate verification result when it is not X509_V_OK.
std::string describe_handshake_failure(const boost::system::error_code& ec, ssl_st* ssl);

}  // namespace here::oauth::detail

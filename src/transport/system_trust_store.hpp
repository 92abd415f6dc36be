// SPDX-License-Identifier: Apache-2.0
#pragma once

// The system's trust anchors, read the way verification needs them: from OpenSSL's hashed
// certificate directory one subject at a time, on demand, instead of parsing the whole bundle
// (about 140 certificates, 35 ms) before the first handshake.

#include <string>
#include <vector>

#include <openssl/ossl_typ.h>

namespace here::oauth::detail {

/// Where the system's anchors are, as OpenSSL's set_default_verify_paths finds them: the
/// SSL_CERT_FILE and SSL_CERT_DIR environment variables, else OpenSSL's compiled-in paths
/// (on Debian /usr/lib/ssl/cert.pem and /usr/lib/ssl/certs, maintained by ca-certificates).
struct system_trust_paths {
  std::string file;
  bool file_from_environment = false;  ///< SSL_CERT_FILE named it: the user chose that bundle
  /// The directories (SSL_CERT_DIR may list several, separated by ':') that hold hash links
  /// (<subject hash>.<n>, as c_rehash and update-ca-certificates write them).
  std::vector<std::string> hashed_directories;
};

system_trust_paths find_system_trust_paths();

/// Adds the system anchors to ctx's store. With hashed directories, an on-demand lookup reads
/// the certificates of a subject when a verification asks for it, fills their cached extension
/// data and only then adds them to the store (so concurrent handshakes never fill it at once,
/// see tls_context.cpp), and the bundle file is not read unless SSL_CERT_FILE names it. Without
/// any, the bundle file is loaded up front, as OpenSSL's defaults would. A missing file or
/// directory is not an error (OpenSSL's defaults do not fail either): verification then fails
/// for want of an anchor, and says so.
void add_system_trust_anchors(SSL_CTX* ctx, const system_trust_paths& paths);

/// The on-demand lookup of add_system_trust_anchors in these directories (also used for
/// request_options::ca_directory), appended to those ctx's store has. Only while ctx is being
/// built, before any handshake uses it. Whether the lookup is in place.
bool add_hashed_directories(SSL_CTX* ctx, const std::vector<std::string>& directories);

}  // namespace here::oauth::detail

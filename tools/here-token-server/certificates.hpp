// SPDX-License-Identifier: Apache-2.0
#pragma once

// Run-time TLS certificates for the local token server: a throwaway CA and a server certificate it
// signs, generated with OpenSSL 3 at start-up, never written anywhere the server does not say.

#include <string>
#include <vector>

namespace here::oauth::test_support {

/// PEM texts of a fresh CA and of a server certificate that CA signed.
struct generated_certificates {
  std::string ca_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

/// A fresh CA (EC P-256, valid one day, random serial) and a server certificate for the given
/// names: DNS names ("localhost") or IP literals ("127.0.0.1", "::1"), all put in the
/// subjectAltName, the first also the subject CN. Without subject_alt_name the certificate names
/// its host in the subject CN only, as pre-2000 certificates did (clients must refuse it).
/// Throws std::runtime_error when OpenSSL fails or names is empty.
generated_certificates generate_certificates(const std::vector<std::string>& names,
                                             bool subject_alt_name = true);

}  // namespace here::oauth::test_support

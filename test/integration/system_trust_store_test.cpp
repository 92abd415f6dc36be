// SPDX-License-Identifier: Apache-2.0
// The system trust store read on demand (src/transport/system_trust_store): over real TLS against
// the local token server, whose CA is made the "system" anchor through SSL_CERT_DIR (a hashed
// directory, as update-ca-certificates writes it) or SSL_CERT_FILE. The server's CA is in no
// other place the client looks, so each fetch that succeeds found it there. Concurrent first
// handshakes through the lazy lookup run under ThreadSanitizer in CI.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <here/oauth/fetch_token.hpp>

#include "certificates.hpp"
#include "local_token_server.hpp"
#include "scoped_env.hpp"
#include "temp_dir.hpp"
#include "transport/system_trust_store.hpp"
#include "transport/token_client.hpp"

namespace here::oauth {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using boost::system::error_code;
using test_support::local_token_server;
using test_support::scoped_env;
using test_support::temp_dir;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The hash-link name OpenSSL looks up for the subject of the certificate in pem ("%08lx.0").
std::string hash_link_name(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(certificate, nullptr);
  if (certificate == nullptr)
    return "none";
  char name[16];
  std::snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(certificate));
  X509_free(certificate);
  return name;
}

request_options system_store_only() {
  request_options options;
  options.use_system_trust_store = true;
  options.use_environment_proxy = false;
  return options;
}

/// count fetches at once on 4 threads, each through its own client (so each may be the first to
/// need the anchor), all sharing the one TLS context of these options.
std::vector<error_code> fetch_concurrently(const local_token_server& server,
                                           const request_options& options, int count) {
  asio::io_context io(4);
  std::vector<error_code> results(static_cast<std::size_t>(count));
  std::vector<std::string> problems(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    error_code ec;
    error_details details;
    auto client = detail::make_token_client(server.credentials(), options, ec, details);
    if (!client) {
      ADD_FAILURE() << details.message;
      return {};
    }
    detail::async_fetch(client, io.get_executor(), {},
                        [&results, &problems, i](error_code e, fetch_result r) {
                          results[static_cast<std::size_t>(i)] = e;
                          problems[static_cast<std::size_t>(i)] = r.details.message;
                        });
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] { io.run(); });
  for (auto& t : threads)
    t.join();
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_FALSE(results[i]) << results[i].message() << ": " << problems[i];
  return results;
}

TEST(SystemTrustStore, AnchorsAreReadOnDemandFromAHashedDirectory) {
  local_token_server server;
  const std::string ca = read_text(server.ca_file());
  temp_dir certs;
  certs.write(hash_link_name(ca), ca);
  scoped_env env;
  env.set("SSL_CERT_DIR", certs.path().string());
  env.unset("SSL_CERT_FILE");

  const detail::system_trust_paths paths = detail::find_system_trust_paths();
  ASSERT_EQ(paths.hashed_directories, std::vector<std::string>{certs.path().string()});
  EXPECT_FALSE(paths.file_from_environment);

  fetch_concurrently(server, system_store_only(), 8);
  EXPECT_EQ(server.tokens_issued(), 8u);
}

TEST(SystemTrustStore, ALinkWhoseCertificateHasAnotherSubjectIsNotAnAnchor) {
  // Under the server CA's hash name, another CA: OpenSSL's name hash is only a hint.
  local_token_server server;
  temp_dir certs;
  const std::string other_ca = test_support::generate_certificates({"127.0.0.1"}).ca_pem;
  certs.write(hash_link_name(read_text(server.ca_file())), other_ca);
  scoped_env env;
  env.set("SSL_CERT_DIR", certs.path().string());
  env.unset("SSL_CERT_FILE");

  error_code ec;
  error_details details;
  auto client = detail::make_token_client(server.credentials(), system_store_only(), ec, details);
  ASSERT_TRUE(client) << details.message;
  asio::io_context io;
  error_code fetched;
  std::string message;
  detail::async_fetch(client, io.get_executor(), {}, [&](error_code e, fetch_result r) {
    fetched = e;
    message = r.details.message;
  });
  io.run();
  EXPECT_EQ(fetched.category(), asio::error::get_ssl_category()) << fetched.message();
  EXPECT_NE(message.find("unable to get local issuer certificate"), std::string::npos) << message;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(SystemTrustStore, WithoutHashLinksTheBundleFileIsLoaded) {
  local_token_server server;
  temp_dir empty;
  empty.write("README", "no hash links here");
  scoped_env env;
  env.set("SSL_CERT_DIR", empty.path().string());
  env.set("SSL_CERT_FILE", server.ca_file().string());

  const detail::system_trust_paths paths = detail::find_system_trust_paths();
  EXPECT_TRUE(paths.hashed_directories.empty());
  EXPECT_TRUE(paths.file_from_environment);

  fetch_concurrently(server, system_store_only(), 4);
  EXPECT_EQ(server.tokens_issued(), 4u);
}

TEST(SystemTrustStore, CaDirectoryUsesTheSameOnDemandLookup) {
  local_token_server server;
  const std::string ca = read_text(server.ca_file());
  temp_dir certs;
  certs.write(hash_link_name(ca), ca);
  request_options options;
  options.use_system_trust_store = false;
  options.use_environment_proxy = false;
  options.ca_directory = certs.path();
  fetch_concurrently(server, options, 8);
  EXPECT_EQ(server.tokens_issued(), 8u);
}

}  // namespace
}  // namespace here::oauth

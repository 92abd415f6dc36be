// SPDX-License-Identifier: Apache-2.0
// TLS contexts are shared by every token client with the same TLS options: the trust store is
// parsed once per process, not once per provider (issue 12: 1000 providers took 0.9 GB).
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <here/oauth/token_provider.hpp>

#include "local_token_server.hpp"
#include "temp_dir.hpp"
#include "transport/tls_context_cache.hpp"
#include "transport/token_client.hpp"

namespace here::oauth {
namespace {

credentials test_credentials() {
  credentials c;
  c.access_key_id = "key-id";
  c.access_key_secret = secret_string("secret");
  c.token_endpoint_url = "https://127.0.0.1:1/oauth2/token";
  return c;
}

std::shared_ptr<detail::token_client> client_for(const request_options& options) {
  boost::system::error_code ec;
  error_details details;
  auto client = detail::make_token_client(test_credentials(), options, ec, details);
  EXPECT_TRUE(client) << ec.message() << ": " << details.message;
  return client;
}

TEST(TlsContextCache, ClientsWithTheSameTlsOptionsShareOneContext) {
  test_support::temp_dir dir("tls-cache");
  request_options options;
  options.use_system_trust_store = false;
  options.ca_file = dir.write("ca.pem", test_support::generate_certificates({"localhost"}).ca_pem);

  const std::size_t before = detail::tls_contexts_built();
  auto a = client_for(options);
  request_options other_request = options;  // scope and timeout do not choose trust anchors
  other_request.scope = "hrn:here:authorization::org:project/p";
  other_request.request_timeout = std::chrono::seconds(3);
  auto b = client_for(other_request);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->tls_context(), b->tls_context());
  EXPECT_EQ(detail::tls_contexts_built(), before + 1);

  // Other trust anchors: another context.
  request_options with_system = options;
  with_system.use_system_trust_store = true;
  auto c = client_for(with_system);
  ASSERT_TRUE(c);
  EXPECT_NE(c->tls_context(), a->tls_context());

  // A ca_file replaced on disk is read again, not served from the old context.
  dir.write("ca.pem", test_support::generate_certificates({"localhost"}).ca_pem + "\n");
  auto d = client_for(options);
  ASSERT_TRUE(d);
  EXPECT_NE(d->tls_context(), a->tls_context());
}

TEST(TlsContextCache, ConcurrentFirstUsersBuildOneContext) {
  test_support::temp_dir dir("tls-cache");
  request_options options;
  options.use_system_trust_store = false;
  options.ca_file = dir.write("ca.pem", test_support::generate_certificates({"localhost"}).ca_pem);
  const std::size_t before = detail::tls_contexts_built();
  std::vector<std::shared_ptr<detail::token_client>> clients(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients.size(); ++i)
    threads.emplace_back([&, i] { clients[i] = client_for(options); });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(detail::tls_contexts_built(), before + 1);
  for (const auto& client : clients) {
    ASSERT_TRUE(client);
    EXPECT_EQ(client->tls_context(), clients[0]->tls_context());
  }
}

TEST(TlsContextCache, AThousandProvidersParseTheSystemTrustStoreOnce) {
  boost::asio::io_context io;
  const std::size_t before = detail::tls_contexts_built();
  std::vector<std::unique_ptr<token_provider>> providers;
  for (int i = 0; i < 1000; ++i) {
    provider_options options;
    options.scope = "hrn:here:authorization::org:project/p" + std::to_string(i);
    providers.push_back(
        std::make_unique<token_provider>(io.get_executor(), test_credentials(), options));
  }
  EXPECT_LE(detail::tls_contexts_built(), before + 1);
}

}  // namespace
}  // namespace here::oauth

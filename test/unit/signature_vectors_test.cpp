// SPDX-License-Identifier: Apache-2.0
// Checks our signer against test/data/signature_vectors.json: HMAC-SHA256 signatures computed by
// oauthlib (see test/tools/make_signature_vectors.py), an implementation that shares no code with
// ours.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "signing/signer.hpp"

#include "common/percent_encoding.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

struct signature_vector {
  std::string name;
  std::string method;
  std::string url;
  parameter_list body;
  std::string consumer_key;
  std::string consumer_secret;
  std::string nonce;
  std::int64_t timestamp = 0;
  std::string expected_normalized_parameters;
  std::string expected_base_string;
  std::string expected_signature;
};

std::string str(const boost::json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

std::vector<signature_vector> load_vectors() {
  const std::string path = std::string(HERE_OAUTH_TEST_DATA_DIR) + "/signature_vectors.json";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  boost::json::value doc = boost::json::parse(text);

  std::vector<signature_vector> vectors;
  for (const auto& v : doc.at("vectors").as_array()) {
    signature_vector s;
    s.name = str(v, "name");
    s.method = str(v, "method");
    s.url = str(v, "url");
    for (const auto& pair : v.at("body").as_array()) {
      const auto& p = pair.as_array();
      s.body.emplace_back(std::string(p.at(0).as_string()), std::string(p.at(1).as_string()));
    }
    s.consumer_key = str(v, "consumer_key");
    s.consumer_secret = str(v, "consumer_secret");
    s.nonce = str(v, "nonce");
    s.timestamp = v.at("timestamp").to_number<std::int64_t>();
    s.expected_normalized_parameters = str(v, "expected_normalized_parameters");
    s.expected_base_string = str(v, "expected_base_string");
    s.expected_signature = str(v, "expected_signature");
    vectors.push_back(std::move(s));
  }
  return vectors;
}

const std::vector<signature_vector>& vectors() {
  static const std::vector<signature_vector> loaded = load_vectors();
  return loaded;
}

parameter_list oauth_parameters(const signature_vector& v) {
  return {{"oauth_consumer_key", v.consumer_key},
          {"oauth_nonce", v.nonce},
          {"oauth_signature_method", "HMAC-SHA256"},
          {"oauth_timestamp", std::to_string(v.timestamp)},
          {"oauth_version", "1.0"}};
}

TEST(SignatureVectors, FileHasEnoughVectors) {
  EXPECT_GE(vectors().size(), 24u);
  std::set<std::string> names;
  for (const auto& v : vectors())
    EXPECT_TRUE(names.insert(v.name).second) << v.name;
}

TEST(SignatureVectors, SignRequestMatchesOauthlib) {
  for (const auto& v : vectors()) {
    SCOPED_TRACE(v.name);
    signature_input in;
    in.method = v.method;
    in.url = v.url;
    in.body = &v.body;
    in.consumer_key = v.consumer_key;
    in.consumer_secret = v.consumer_secret;
    in.nonce = v.nonce;
    in.timestamp = v.timestamp;
    signed_request out = sign_request(in);
    EXPECT_EQ(out.signature_base_string, v.expected_base_string);
    EXPECT_EQ(out.signature, v.expected_signature);
    EXPECT_EQ(out.nonce, v.nonce);
    EXPECT_EQ(out.timestamp, v.timestamp);
    // The header carries the same signature, percent-encoded.
    EXPECT_NE(out.authorization_header.find("oauth_signature=\"" +
                                            percent_encode(v.expected_signature) + "\""),
              std::string::npos)
        << out.authorization_header;
  }
}

TEST(SignatureVectors, RequestSignerMatchesOauthlib) {
  for (const auto& v : vectors()) {
    SCOPED_TRACE(v.name);
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(v.timestamp));
    request_signer signer(
        v.consumer_key, secret_string(std::string_view(v.consumer_secret)), [when] { return when; },
        [&v] { return v.nonce; });
    signed_request out = signer.sign(v.method, v.url, v.body);
    EXPECT_EQ(out.signature_base_string, v.expected_base_string);
    EXPECT_EQ(out.signature, v.expected_signature);
  }
}

TEST(SignatureVectors, BuildingBlocksMatchOauthlib) {
  for (const auto& v : vectors()) {
    SCOPED_TRACE(v.name);
    parameter_list params = oauth_parameters(v);
    params.insert(params.end(), v.body.begin(), v.body.end());
    EXPECT_EQ(signature_base_string(v.method, v.url, params), v.expected_base_string);

    // The normalized string needs the query's parameters too, which signature_base_string adds
    // itself; here they are added by hand.
    if (auto q = v.url.find('?'); q != std::string::npos) {
      auto query = detail::parse_form_parameters(std::string_view(v.url).substr(q + 1));
      ASSERT_TRUE(query);
      params.insert(params.end(), query->begin(), query->end());
    }
    const std::string normalized = normalize_parameters(params);
    EXPECT_EQ(normalized, v.expected_normalized_parameters);
    // The base string ends with the encoded normalized parameters.
    const std::string encoded = percent_encode(normalized);
    ASSERT_GE(v.expected_base_string.size(), encoded.size());
    EXPECT_EQ(v.expected_base_string.substr(v.expected_base_string.size() - encoded.size()),
              encoded);
  }
}

TEST(SignatureVectors, ChangingAnyInputChangesTheSignature) {
  const auto& v = vectors().front();
  auto sign = [&](signature_input in) { return sign_request(in).signature; };
  signature_input in;
  in.method = v.method;
  in.url = v.url;
  in.body = &v.body;
  in.consumer_key = v.consumer_key;
  in.consumer_secret = v.consumer_secret;
  in.nonce = v.nonce;
  in.timestamp = v.timestamp;
  ASSERT_EQ(sign(in), v.expected_signature);

  auto changed = in;
  changed.timestamp += 1;
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  changed.nonce = "another-nonce";
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  const std::string other_secret = v.consumer_secret + "x";
  changed.consumer_secret = other_secret;
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  changed.consumer_key = "other-key";
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  changed.method = "GET";
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  changed.url = "https://account.api.here.com/oauth2/token2";
  EXPECT_NE(sign(changed), v.expected_signature);
  changed = in;
  const parameter_list other_body{{"grant_type", "client_credentials "}};
  changed.body = &other_body;
  EXPECT_NE(sign(changed), v.expected_signature);
}

}  // namespace
}  // namespace here::oauth

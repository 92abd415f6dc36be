// SPDX-License-Identifier: Apache-2.0
// here.token.scope: loaded into credentials::scope, and used when the options name no scope.
#include <gtest/gtest.h>

#include <string>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/provider_options.hpp>

#include "credentials/scope.hpp"
#include "credentials_test_support.hpp"

namespace here::oauth {
namespace {

using test_support::minimal_credentials;

constexpr std::string_view project = "hrn:here:authorization::org123:project/my-project";

TEST(TokenScope, LoadedFromTheFile) {
  credentials c = parse_credentials(
      std::string(minimal_credentials) + "here.token.scope = " + std::string(project) + "\n", "f");
  EXPECT_EQ(c.scope, project);
}

TEST(TokenScope, AbsentOrEmptyMeansNoScope) {
  EXPECT_EQ(parse_credentials(minimal_credentials, "f").scope, "");
  EXPECT_EQ(parse_credentials(std::string(minimal_credentials) + "here.token.scope =\n", "f").scope,
            "");
}

TEST(TokenScope, TheLastOneWinsAndEscapesApply) {
  credentials c = parse_credentials(std::string(minimal_credentials) +
                                        "here.token.scope = hrn:old\n"
                                        "here.token.scope = hrn\\:here\\:authorization\\:\\:o:p\n",
                                    "f");
  EXPECT_EQ(c.scope, "hrn:here:authorization::o:p");
}

TEST(TokenScope, ItsKeyIsNamedInErrors) {
  try {
    parse_credentials(std::string(minimal_credentials) + "here.token.scope = \\u12\n", "f");
    FAIL() << "no error";
  } catch (const credentials_error& e) {
    EXPECT_EQ(e.code(), make_error_code(error::credentials_malformed));
    EXPECT_EQ(e.key(), "here.token.scope");
    EXPECT_EQ(e.line(), 3u);
  }
}

TEST(EffectiveScope, TheOptionWins) {
  credentials c;
  c.scope = "hrn:from-file";
  request_options o;
  o.scope = "hrn:from-option";
  EXPECT_EQ(detail::effective_scope(c, o), "hrn:from-option");
}

TEST(EffectiveScope, TheCredentialsScopeWhenTheOptionIsEmpty) {
  credentials c;
  c.scope = "hrn:from-file";
  EXPECT_EQ(detail::effective_scope(c, request_options{}), "hrn:from-file");
  provider_options p;  // a provider_options is a request_options
  EXPECT_EQ(detail::effective_scope(c, p), "hrn:from-file");
}

TEST(EffectiveScope, NeitherMeansAnUnscopedToken) {
  EXPECT_EQ(detail::effective_scope(credentials{}, request_options{}), "");
}

}  // namespace
}  // namespace here::oauth

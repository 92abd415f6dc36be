// SPDX-License-Identifier: Apache-2.0
// Secret hygiene without sockets: every error path reachable from credentials, options and
// response parsing is driven with a distinctive secret (and, for answers, a whole token), and every
// text a user or a log could see is scanned for them. Also: the credentials file permission check
// and its report through the provider's event callback.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <here/oauth/access_token.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>
#include <here/oauth/secret_string.hpp>
#include <here/oauth/token_provider.hpp>
#include "signing/signer.hpp"

#include "protocol/token_protocol.hpp"

#include "scoped_env.hpp"
#include "temp_dir.hpp"

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

namespace fs = std::filesystem;
using test_support::scoped_env;
using test_support::temp_dir;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A secret no fixed text of the SDK contains, with a reserved character so its percent-encoded
// form differs from it; both forms are looked for.
constexpr std::string_view the_secret = "Hyg13ne~S3cret/Value+with=reserved&chars|xyz";
const std::string encoded_secret = percent_encode(the_secret);
// A whole token: 64 characters, header-safe, found nowhere else.
constexpr std::string_view the_token =
    "eyJhbGciOiJIUzI1NiJ9.SECRETTOKENPAYLOAD0123456789abcdefghij.sig42";

// Fails the test, naming where, when text holds the secret (either form) or the whole token.
void expect_clean(std::string_view text, std::string_view where) {
  EXPECT_EQ(text.find(the_secret), std::string_view::npos) << where << ": " << text;
  EXPECT_EQ(text.find(encoded_secret), std::string_view::npos) << where << ": " << text;
  EXPECT_EQ(text.find(the_token), std::string_view::npos) << where << ": " << text;
}

void expect_clean(const error_details& d, std::string_view where) {
  expect_clean(d.message, where);
  expect_clean(d.error_code, where);
  expect_clean(d.error_id, where);
  expect_clean(to_string(d), where);
}

// Writes a file into dir with exactly these permissions.
fs::path write_with_mode(const temp_dir& dir, const fs::path& name, std::string_view content,
                         fs::perms mode) {
  fs::path file = dir.write(name, content);
  fs::permissions(file, mode, fs::perm_options::replace);
  return file;
}

std::string with_secret(std::string_view before, std::string_view after = {}) {
  std::string text(before);
  text += "here.access.key.secret = ";
  // The properties syntax would read '=' and ':' in a value as they are; escape nothing.
  text += the_secret;
  text += "\n";
  text += after;
  return text;
}

// ---------------------------------------------------------------------------------------------
// Credentials errors

TEST(SecretHygieneCredentials, ParseErrorsNeverShowTheSecret) {
  const std::vector<std::string> texts = {
      // the secret is there, the id is not
      with_secret(""),
      // empty id
      with_secret("here.access.key.id =\n"),
      // a broken endpoint URL after the secret
      with_secret("here.access.key.id = id\n", "here.token.endpoint.url = ftp://x:99999/#f\n"),
      with_secret("here.access.key.id = id\n", "here.token.endpoint.url = https://u:p@h/\n"),
      // a malformed escape in the secret's own line
      "here.access.key.id = id\nhere.access.key.secret = " + std::string(the_secret) + "\\uZZZZ\n",
      // an unpaired surrogate after the secret
      "here.access.key.id = id\nhere.access.key.secret = " + std::string(the_secret) + "\\uD800\n",
      // the secret pasted on a line of its own (it reads as a key), then a broken line
      "here.access.key.id = id\n" + std::string(the_secret) + "\n= no key\n",
      // the secret as a key with a broken escape in its value
      "here.access.key.id = id\n" + std::string(the_secret) + " = \\u12\n",
      // the secret as an unknown key whose own text is broken
      "here.access.key.id = id\n" + std::string(the_secret) + "\\uQQQQ = v\n",
      // the secret's line continued into a broken one
      "here.access.key.id = id\nhere.access.key.secret = " + std::string(the_secret) +
          "\\\n  \\u00\n",
  };
  for (const auto& text : texts) {
    try {
      parse_credentials(text, "hygiene.properties");
      ADD_FAILURE() << "no error for:\n" << text;
    } catch (const credentials_error& e) {
      expect_clean(e.what(), "credentials_error::what");
      expect_clean(e.key(), "credentials_error::key");
      expect_clean(e.file().string(), "credentials_error::file");
    }
  }
}

TEST(SecretHygieneCredentials, FileErrorsNeverShowTheSecret) {
  temp_dir dir;
  // Larger than 1 MiB, with the secret in its first line.
  const fs::path huge =
      write_with_mode(dir, "huge.properties",
                      with_secret("here.access.key.id = id\n") + std::string(1024 * 1024 + 10, '#'),
                      fs::perms::owner_read | fs::perms::owner_write);
  const fs::path broken = write_with_mode(dir, "broken.properties", with_secret("", "\\u1\n"),
                                          fs::perms::owner_read | fs::perms::owner_write);
  for (const fs::path& file : {huge, broken, dir.path(), dir.path() / "missing.properties"}) {
    try {
      load_credentials(file);
      ADD_FAILURE() << "no error for " << file;
    } catch (const credentials_error& e) {
      expect_clean(e.what(), "load_credentials");
    }
    boost::system::error_code ec;
    std::string diagnostic;
    const credentials none = load_credentials(file, ec, diagnostic);
    EXPECT_TRUE(ec);
    expect_clean(diagnostic, "load_credentials diagnostic");
    EXPECT_TRUE(none.access_key_secret.empty());
  }
}

TEST(SecretHygieneCredentials, EnvironmentErrorsNeverShowTheSecret) {
  const std::string secret(the_secret);
  {
    scoped_env env;
    env.unset("HERE_ACCESS_KEY_ID");
    env.set("HERE_ACCESS_KEY_SECRET", secret.c_str());
    try {
      credentials_from_environment();
      ADD_FAILURE() << "the id is missing";
    } catch (const credentials_error& e) {
      expect_clean(e.what(), "environment, id missing");
    }
  }
  {
    scoped_env env;
    env.set("HERE_ACCESS_KEY_ID", "id");
    env.set("HERE_ACCESS_KEY_SECRET", secret.c_str());
    env.set("HERE_TOKEN_ENDPOINT_URL", "not a url");
    try {
      default_credentials();
      ADD_FAILURE() << "the URL is invalid";
    } catch (const credentials_error& e) {
      expect_clean(e.what(), "environment, bad URL");
    }
  }
  {
    temp_dir dir;
    const fs::path broken = write_with_mode(dir, "broken.properties", with_secret("", "= no key\n"),
                                            fs::perms::owner_read | fs::perms::owner_write);
    scoped_env env;
    env.unset("HERE_ACCESS_KEY_ID");
    env.unset("HERE_ACCESS_KEY_SECRET");
    env.set("HERE_CREDENTIALS_FILE", broken.c_str());
    try {
      default_credentials();
      ADD_FAILURE() << "the file is broken";
    } catch (const credentials_error& e) {
      expect_clean(e.what(), "HERE_CREDENTIALS_FILE");
    }
  }
}

TEST(SecretHygieneCredentials, SecretStringNeverPrintsItself) {
  const secret_string s{the_secret};
  std::ostringstream out;
  out << s;
  EXPECT_EQ(out.str(), "<redacted>");
  credentials c;
  c.access_key_secret = s;
  std::ostringstream out2;
  out2 << c.access_key_secret;
  expect_clean(out2.str(), "operator<<");
}

// ---------------------------------------------------------------------------------------------
// Options errors

credentials good_credentials() {
  credentials c;
  c.access_key_id = "hygiene-key-id";
  c.access_key_secret = secret_string(the_secret);
  c.token_endpoint_url = "https://127.0.0.1:9/oauth2/token";
  c.source = "hygiene test";
  return c;
}

TEST(SecretHygieneOptions, InvalidConfigurationsNeverShowTheSecret) {
  std::vector<std::pair<credentials, provider_options>> cases;
  auto add = [&cases](auto change) {
    credentials c = good_credentials();
    provider_options o;
    o.use_environment_proxy = false;
    change(c, o);
    cases.emplace_back(std::move(c), std::move(o));
  };
  add([](credentials& c, provider_options&) { c.access_key_id.clear(); });
  add([](credentials& c, provider_options&) { c.token_endpoint_url = "ftp://h/"; });
  add([](credentials& c, provider_options&) {
    c.token_endpoint_url = "https://x:" + std::string(the_secret) + "@h/";
  });
  add([](credentials& c, provider_options&) { c.token_endpoint_url = "http://127.0.0.1/t"; });
  add([](credentials&, provider_options& o) { o.request_timeout = 0ms; });
  add([](credentials&, provider_options& o) { o.requested_lifetime = -1s; });
  add([](credentials&, provider_options& o) { o.max_response_body_bytes = 1; });
  add([](credentials&, provider_options& o) { o.max_response_header_bytes = 1u << 30; });
  add([](credentials&, provider_options& o) { o.user_agent = "a\r\nb"; });
  add([](credentials&, provider_options& o) { o.proxy = "not a proxy"; });
  add([](credentials&, provider_options& o) {
    o.proxy = "http://user:" + std::string(the_secret) + "@proxy:notaport";
  });
  add([](credentials&, provider_options& o) { o.ca_file = "/nonexistent/ca.pem"; });
  add([](credentials&, provider_options& o) { o.refresh_ahead = -2s; });
  add([](credentials&, provider_options& o) { o.max_wait = 0ms; });
  add([](credentials&, provider_options& o) { o.expiry_margin = -1s; });
  add([](credentials&, provider_options& o) { o.retry.base_delay = 0ms; });
  add([](credentials&, provider_options& o) { o.retry.max_delay = 1ms; });
  add([](credentials&, provider_options& o) { o.retry.permanent_error_backoff = -1ms; });

  asio::io_context io;
  for (const auto& [creds, options] : cases) {
    try {
      token_provider provider(io.get_executor(), creds, options);
      ADD_FAILURE() << "accepted a bad configuration";
    } catch (const token_error& e) {
      expect_clean(e.what(), "token_provider constructor");
      expect_clean(e.details(), "token_provider constructor details");
    }
    // The same through fetch_token's completion, which carries the details.
    boost::system::error_code got;
    fetch_result result;
    async_fetch_token(io.get_executor(), creds, options,
                      [&](boost::system::error_code ec, fetch_result r) {
                        got = ec;
                        result = std::move(r);
                      });
    io.restart();
    io.run();
    if (options.refresh_ahead >= auto_refresh_ahead && options.max_wait.count() > 0 &&
        options.expiry_margin.count() >= 0 && options.retry.base_delay.count() > 0 &&
        options.retry.max_delay.count() > 1 && options.retry.permanent_error_backoff.count() >= 0) {
      EXPECT_TRUE(got) << "fetch_token accepted a bad request configuration";
    }
    expect_clean(result.details, "async_fetch_token details");
    expect_clean(got.message(), "error_code::message");
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile answers

detail::token_response_view answer(unsigned status, std::string_view body,
                                   std::string_view content_type = "application/json") {
  detail::token_response_view r;
  r.status = status;
  r.body = body;
  r.content_type = content_type;
  return r;
}

TEST(SecretHygieneResponses, RefusedAnswersNeverQuoteAWholeToken) {
  const std::string t(the_token);
  const std::vector<std::string> json_bodies = {
      // a success body on an error status (a gateway rewriting the status)
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":3600})",
      R"({"accessToken":")" + t + R"(","tokenType":"bearer","expiresIn":3600})",
      R"({"errorId":"E-1","access_token":")" + t + R"("})",
  };
  for (unsigned status : {200u, 201u, 301u, 400u, 401u, 403u, 429u, 500u, 503u, 600u}) {
    for (const auto& body : json_bodies) {
      if (status >= 200 && status < 300)
        continue;  // a good answer: no message at all
      const auto parsed = detail::parse_token_response(answer(status, body), {});
      EXPECT_TRUE(parsed.ec) << status << " " << body;
      expect_clean(parsed.details, "refused answer " + std::to_string(status));
    }
  }
  // Broken success answers that carry a token: the token never lands in the message.
  const std::vector<std::string> broken_successes = {
      R"({"access_token":")" + t + R"(","token_type":"mac","expires_in":3600})",
      R"({"access_token":")" + t + R"(","token_type":"bearer"})",
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":-1})",
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":"3600"})",
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":1e30})",
      R"({"access_token":")" + t + R"( x","token_type":"bearer","expires_in":3600})",
      R"({"access_token":")" + t + R"(\r\nSet-Cookie: a","token_type":"bearer","expires_in":60})",
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":60,"scope":1})",
      R"({"access_token":")" + t + R"(","token_type":"bearer","expires_in":60)",  // truncated
      R"([")" + t + R"("])",
  };
  for (const auto& body : broken_successes) {
    for (std::string_view type : {"application/json", "text/plain", ""}) {
      const auto parsed = detail::parse_token_response(answer(200, body, type), {});
      EXPECT_TRUE(parsed.ec) << body;
      EXPECT_TRUE(parsed.token.value.empty());
      expect_clean(parsed.details, "broken success");
      const token_error e(parsed.ec, parsed.details, "HERE token request failed");
      expect_clean(e.what(), "token_error::what");
    }
  }
}

TEST(SecretHygieneResponses, HostileBodiesBecomeShortPrintableMessages) {
  const std::vector<std::string> bodies = {
      std::string(100000, 'A'),
      "<html><script>alert(1)</script>" + std::string(5000, '<') + "</html>",
      std::string("\x1b[31mred\x1b[0m\r\nSet-Cookie: x\0y", 28),
      R"({"message":")" + std::string(5000, 'm') + R"(","errorCode":")" + std::string(500, '9') +
          R"(","errorId":")" + std::string(500, 'i') + R"("})",
      R"({"error":"invalid_client","error_description":")" + std::string(2000, 'd') + R"("})",
      "\xff\xfe\xfd\x80 not utf-8",
      R"({"errorCode":401300,"message":"\u0000\u001b[2J\ud800"})",
  };
  for (unsigned status : {400u, 401u, 429u, 502u, 302u, 0u}) {
    for (const auto& body : bodies) {
      const auto parsed =
          detail::parse_token_response(answer(status, body, "text/html\r\nX: y"), {});
      EXPECT_TRUE(parsed.ec);
      for (const std::string* text :
           {&parsed.details.message, &parsed.details.error_code, &parsed.details.error_id}) {
        EXPECT_LE(text->size(), 1024u);
        for (char c : *text) {
          EXPECT_TRUE(c >= 0x20 && c < 0x7F) << "status " << status << ": control or non-ASCII "
                                             << static_cast<int>(static_cast<unsigned char>(c));
        }
      }
    }
  }
}

TEST(SecretHygieneResponses, RedactedTokensAndSignaturesHideTheSecrets) {
  const std::string preview = redact_token(std::string(the_token));
  expect_clean(preview, "redact_token");
  EXPECT_LT(preview.size(), the_token.size());

  const parameter_list body{{"grant_type", "client_credentials"}};
  signature_input in;
  in.url = "https://account.api.here.com/oauth2/token";
  in.body = &body;
  in.consumer_key = "hygiene-key-id";
  in.consumer_secret = the_secret;
  in.nonce = "n0nce";
  in.timestamp = 1700000000;
  const signed_request s = sign_request(in);
  expect_clean(s.authorization_header, "Authorization header");
  expect_clean(s.signature_base_string, "signature base string");
  expect_clean(s.signature, "signature");

  request_signer signer("hygiene-key-id", secret_string(the_secret));
  const signed_request s2 = signer.sign("POST", in.url, body);
  expect_clean(s2.authorization_header, "request_signer");
  expect_clean(s2.signature_base_string, "request_signer base string");
}

// ---------------------------------------------------------------------------------------------
// Credentials files others can read

const std::string minimal_file = with_secret("here.access.key.id = id\n");

std::string expected_warning(const fs::path& file, std::string_view what, std::string_view mode) {
  return "credentials file '" + file.string() + "' is " + std::string(what) +
         " by group or others (mode " + std::string(mode) + "); run chmod 600 '" + file.string() +
         "'";
}

TEST(CredentialsPermissions, OwnerOnlyFilesLoadWithoutWarnings) {
  temp_dir dir;
  for (auto mode : {fs::perms::owner_read | fs::perms::owner_write, fs::perms::owner_read}) {
    const fs::path file = write_with_mode(dir, "ok.properties", minimal_file, mode);
    const credentials c = load_credentials(file);
    EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
    fs::remove(file);
  }
}

TEST(CredentialsPermissions, FilesOthersCanReadAreReportedLikeSsh) {
  temp_dir dir;
  using p = fs::perms;
  struct example {
    fs::perms mode;
    std::string_view what;
    std::string_view octal;
  };
  const example examples[] = {
      {p::owner_read | p::owner_write | p::group_read | p::others_read, "readable", "0644"},
      {p::owner_read | p::owner_write | p::group_read, "readable", "0640"},
      {p::owner_read | p::others_read, "readable", "0404"},
      {p::owner_all | p::group_all | p::others_all, "readable", "0777"},
      {p::owner_read | p::owner_write | p::group_write, "writable", "0620"},
      {p::owner_read | p::owner_write | p::others_exec, "accessible", "0601"},
  };
  for (const auto& e : examples) {
    const fs::path file = write_with_mode(dir, "open.properties", minimal_file, e.mode);
    const credentials c = load_credentials(file);
    ASSERT_EQ(c.warnings.size(), 1u) << e.octal;
    EXPECT_EQ(c.warnings[0], expected_warning(file, e.what, e.octal));
    expect_clean(c.warnings[0], "permission warning");
    // The non-throwing overload keeps the warning too.
    boost::system::error_code ec;
    const credentials c2 = load_credentials(file, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(c2.warnings, c.warnings);
    fs::remove(file);
  }
}

TEST(CredentialsPermissions, TheDefaultChainReportsItToo) {
  temp_dir dir;
  const fs::path file = write_with_mode(dir, "chain.properties", minimal_file,
                                        fs::perms::owner_read | fs::perms::owner_write |
                                            fs::perms::group_read | fs::perms::others_read);
  scoped_env env;
  env.unset("HERE_ACCESS_KEY_ID");
  env.unset("HERE_ACCESS_KEY_SECRET");
  env.set("HERE_CREDENTIALS_FILE", file.c_str());
  const credentials c = default_credentials();
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], expected_warning(file, "readable", "0644"));
}

TEST(CredentialsPermissions, ParsedTextAndEnvironmentHaveNoWarnings) {
  EXPECT_TRUE(parse_credentials(minimal_file, "text").warnings.empty());
  scoped_env env;
  env.set("HERE_ACCESS_KEY_ID", "id");
  env.set("HERE_ACCESS_KEY_SECRET", "secret");
  EXPECT_TRUE(credentials_from_environment().warnings.empty());
}

TEST(CredentialsPermissions, TheProviderReportsEachWarningOnceThroughItsEvents) {
  temp_dir dir;
  const fs::path file =
      write_with_mode(dir, "provider.properties",
                      minimal_file + "here.token.endpoint.url = https://127.0.0.1:9/oauth2/token\n",
                      fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read);
  credentials creds = load_credentials(file);
  ASSERT_EQ(creds.warnings.size(), 1u);
  creds.warnings.push_back("a second warning");

  std::vector<provider_event> events;
  provider_options options;
  options.use_environment_proxy = false;
  options.on_event = [&events](const provider_event& e) { events.push_back(e); };
  asio::io_context io;
  {
    token_provider provider(io.get_executor(), creds, options);
    EXPECT_TRUE(events.empty()) << "reported on the provider's strand, not in the constructor";
    io.run();  // no request: nobody asked for a token
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].type, provider_event::kind::warning);
    EXPECT_EQ(events[0].details.message, expected_warning(file, "readable", "0644"));
    EXPECT_EQ(events[1].type, provider_event::kind::warning);
    EXPECT_EQ(events[1].details.message, "a second warning");
    EXPECT_EQ(provider.stats().requests, 0u);
    io.restart();
    io.run();
    EXPECT_EQ(events.size(), 2u) << "once, not again";
  }
  io.restart();
  io.run();
  EXPECT_EQ(events.size(), 2u);
}

TEST(CredentialsPermissions, NoWarningNoEvent) {
  std::vector<provider_event> events;
  provider_options options;
  options.use_environment_proxy = false;
  options.on_event = [&events](const provider_event& e) { events.push_back(e); };
  asio::io_context io;
  token_provider provider(io.get_executor(), good_credentials(), options);
  io.run();
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace here::oauth

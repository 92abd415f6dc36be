// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include <here/oauth/version.hpp>
#include "signing/signer.hpp"

#include "common/percent_encoding.hpp"
#include "credentials/endpoint.hpp"
#include "protocol/http_date.hpp"
#include "protocol/token_protocol.hpp"

namespace here::oauth::detail {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::string_view key_id = "my-key-id";
constexpr std::string_view secret = "s3cr3t/with+reserved=chars&more~";
constexpr std::int64_t fixed_time = 1700000000;

system_clock::time_point at(std::int64_t unix_seconds) {
  return system_clock::time_point(
      std::chrono::duration_cast<system_clock::duration>(seconds(unix_seconds)));
}

request_signer fixed_signer(std::string nonce = "fixed-nonce-0123456789") {
  return request_signer(
      std::string(key_id), secret_string(secret), [] { return at(fixed_time); },
      [nonce] { return nonce; });
}

endpoint parse(std::string_view url) {
  std::string problem;
  auto ep = parse_endpoint(url, problem);
  EXPECT_TRUE(ep) << url << ": " << problem;
  return ep.value_or(endpoint{});
}

/// Splits an "OAuth k="v",..." header into decoded parameters.
std::map<std::string, std::string> oauth_params(std::string_view header) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(header.starts_with("OAuth "));
  header.remove_prefix(6);
  while (!header.empty()) {
    const auto eq = header.find('=');
    const auto end_quote = header.find('"', eq + 2);
    std::string name(header.substr(0, eq));
    auto value = percent_decode(header.substr(eq + 2, end_quote - eq - 2), false);
    out[name] = value.value_or("<bad escape>");
    header.remove_prefix(std::min(header.size(), end_quote + 2));  // past '"' and ','
  }
  return out;
}

// ---- endpoint ----------------------------------------------------------------------------------

TEST(ParsedEndpoint, DefaultPortIsLeftOutOfTheHostHeader) {
  endpoint ep = parse("https://Account.API.here.com/oauth2/token");
  EXPECT_TRUE(ep.https);
  EXPECT_EQ(ep.host, "account.api.here.com");
  EXPECT_FALSE(ep.host_is_ip);
  EXPECT_EQ(ep.port, 443);
  EXPECT_EQ(ep.target, "/oauth2/token");
  EXPECT_EQ(ep.host_header, "account.api.here.com");
  EXPECT_EQ(ep.authority(), "account.api.here.com:443");
}

TEST(ParsedEndpoint, OtherPortsQueriesAndIpLiterals) {
  endpoint ep = parse("https://127.0.0.1:4433/oauth2/token?realm=x%20y");
  EXPECT_TRUE(ep.host_is_ip);
  EXPECT_EQ(ep.host_header, "127.0.0.1:4433");
  EXPECT_EQ(ep.target, "/oauth2/token?realm=x%20y");

  ep = parse("https://[::1]:8443/t");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_TRUE(ep.host_is_ip);
  EXPECT_EQ(ep.host_header, "[::1]:8443");
  EXPECT_EQ(ep.authority(), "[::1]:8443");

  ep = parse("http://localhost");
  EXPECT_FALSE(ep.https);
  EXPECT_EQ(ep.port, 80);
  EXPECT_EQ(ep.target, "/");
  EXPECT_EQ(ep.host_header, "localhost");

  ep = parse("https://[::1]:443/t");
  EXPECT_EQ(ep.host_header, "[::1]");
}

TEST(ParsedEndpoint, RejectsWhatIsNotAnHttpUrl) {
  std::string problem;
  EXPECT_FALSE(parse_endpoint("ftp://example.com/", problem));
  EXPECT_FALSE(problem.empty());
  EXPECT_FALSE(parse_endpoint("example.com/oauth2/token", problem));
  EXPECT_FALSE(parse_endpoint("https:///path", problem));
}

// ---- request -----------------------------------------------------------------------------------

TEST(TokenRequest, HasTheHeadersAndBodyHereExpects) {
  // The plain request, as a custom transport gets it; its wire form (target, HTTP/1.1,
  // Connection: close) is HttpExchange.WireRequestIsTheSignedRequestOnHttp11.
  const endpoint ep = parse("https://account.api.here.com/oauth2/token");
  const auto request = make_token_request(ep, fixed_signer(), {});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://account.api.here.com/oauth2/token");
  EXPECT_EQ(request.header("Host"), "account.api.here.com");
  EXPECT_EQ(request.header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.header("Accept"), "application/json");
  EXPECT_EQ(request.header("User-Agent"),
            std::string("here-oauth-cpp/") + HERE_OAUTH_VERSION_STRING);
  EXPECT_EQ(request.body, "grant_type=client_credentials");
  EXPECT_EQ(request.header("Content-Length"), std::to_string(request.body.size()));
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers)
    names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "User-Agent", "Accept", "Content-Type",
                                             "Authorization", "Content-Length"}));
  EXPECT_EQ(request.header("authorization"), request.header("Authorization"));  // any case
  EXPECT_EQ(request.header("Connection"), "");
}

TEST(TokenRequest, SendsScopeAndLifetimeAndCustomUserAgent) {
  const endpoint ep = parse("https://127.0.0.1:4433/oauth2/token");
  request_options options;
  options.scope = "hrn:here:authorization::org1:project/my project";
  options.requested_lifetime = seconds(600);
  options.user_agent = "my-app/2.0";
  const auto request = make_token_request(ep, fixed_signer(), options);
  EXPECT_EQ(request.header("Host"), "127.0.0.1:4433");
  EXPECT_EQ(request.header("User-Agent"), "my-app/2.0");
  EXPECT_EQ(request.body,
            "grant_type=client_credentials&scope=hrn%3Ahere%3Aauthorization%3A%3Aorg1%3Aproject%"
            "2Fmy%20project&expires_in=600");
  EXPECT_EQ(parse_form_parameters(request.body), token_request_parameters(options));
}

TEST(TokenRequest, AuthorizationHeaderVerifiesAgainstTheSentRequest) {
  const std::string url = "https://127.0.0.1:4433/oauth2/token?x=1";
  const endpoint ep = parse(url);
  request_options options;
  options.scope = "hrn:here:authorization::org1:project/p";
  const auto request = make_token_request(ep, fixed_signer(), options);
  const std::string header(request.header("Authorization"));

  auto params = oauth_params(header);
  EXPECT_EQ(params["oauth_consumer_key"], key_id);
  EXPECT_EQ(params["oauth_nonce"], "fixed-nonce-0123456789");
  EXPECT_EQ(params["oauth_timestamp"], std::to_string(fixed_time));
  EXPECT_EQ(params["oauth_signature_method"], "HMAC-SHA256");
  EXPECT_EQ(params["oauth_version"], "1.0");

  // What a server does: rebuild the signature from the request as received.
  auto body = parse_form_parameters(request.body);
  ASSERT_TRUE(body);
  signature_input in;
  in.method = "POST";
  std::string received_url =
      "https://" + std::string(request.header("Host")) + std::string(ep.target);
  EXPECT_EQ(received_url, url);
  in.url = received_url;
  in.body = &*body;
  in.consumer_key = key_id;
  in.consumer_secret = secret;
  in.nonce = params["oauth_nonce"];
  in.timestamp = std::stoll(params["oauth_timestamp"]);
  const signed_request expected = sign_request(in);
  EXPECT_EQ(params["oauth_signature"], expected.signature);
  EXPECT_EQ(header, expected.authorization_header);

  // And a wrong secret does not verify.
  in.consumer_secret = "other";
  EXPECT_NE(params["oauth_signature"], sign_request(in).signature);
}

TEST(TokenRequest, ClockOffsetShiftsTheTimestamp) {
  const endpoint ep = parse("https://127.0.0.1:4433/oauth2/token");
  const auto request = make_token_request(ep, fixed_signer(), {}, seconds(-3600));
  auto params = oauth_params(request.header("Authorization"));
  EXPECT_EQ(params["oauth_timestamp"], std::to_string(fixed_time - 3600));
}

TEST(TokenRequest, EachRequestHasAFreshNonceAndTimestamp) {
  const endpoint ep = parse("https://127.0.0.1:4433/oauth2/token");
  const request_signer signer("id", secret_string(std::string_view("secret")));
  const auto a = oauth_params(make_token_request(ep, signer, {}).header("Authorization"));
  const auto b = oauth_params(make_token_request(ep, signer, {}).header("Authorization"));
  EXPECT_NE(a.at("oauth_nonce"), b.at("oauth_nonce"));
  const auto now =
      std::chrono::duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(std::stoll(a.at("oauth_timestamp")), now, 5);
}

TEST(TokenRequest, SecretNeverAppearsInTheRequest) {
  const endpoint ep = parse("https://127.0.0.1:4433/oauth2/token");
  const auto request = make_token_request(ep, fixed_signer(), {});
  for (const auto& [name, value] : request.headers) {
    EXPECT_EQ(value.find(secret), std::string::npos) << name;
  }
  EXPECT_EQ(request.body.find(secret), std::string::npos);
  EXPECT_EQ(request.url.find(secret), std::string::npos);
}

// ---- successful answers ------------------------------------------------------------------------

const system_clock::time_point sent = at(fixed_time);

parsed_token_response answer(unsigned status, std::string_view body, std::string_view date = {},
                             std::string_view retry_after = {}, std::string_view content_type = {},
                             std::string_view location = {}) {
  token_response_view view;
  view.status = status;
  view.body = body;
  view.date = date;
  view.retry_after = retry_after;
  view.content_type = content_type.empty() ? std::string_view("application/json") : content_type;
  view.location = location;
  return parse_token_response(view, sent);
}

TEST(TokenResponse, ParsesOAuth2Names) {
  auto r = answer(
      200, R"({"access_token":"eyJhbGciOi.abc.def","token_type":"bearer","expires_in":86399})",
      "Tue, 14 Nov 2023 22:13:20 GMT");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(r.token.value, "eyJhbGciOi.abc.def");
  EXPECT_EQ(r.token.token_type, "bearer");
  EXPECT_EQ(r.token.scope, "");
  EXPECT_EQ(r.expires_in, seconds(86399));
  EXPECT_EQ(r.token.expires_at, sent + seconds(86399));
  EXPECT_EQ(r.server_date, at(1700000000));
  EXPECT_TRUE(r.details.empty());
}

TEST(TokenResponse, ViewOfAPlainResponseFindsHeadersInAnyCase) {
  // A custom transport's answer is read like one over HTTPS: the first of a repeated header wins.
  http_response response;
  response.status = 429;
  response.headers = {{"content-type", "application/json"},
                      {"RETRY-AFTER", "7"},
                      {"Retry-After", "9"},
                      {"date", "Tue, 14 Nov 2023 22:13:20 GMT"},
                      {"Location", "https://elsewhere.example/"}};
  response.body = R"({"errorCode":429002,"message":"slow down"})";
  const token_response_view view = view_of(response);
  EXPECT_EQ(view.status, 429u);
  EXPECT_EQ(view.content_type, "application/json");
  EXPECT_EQ(view.retry_after, "7");
  EXPECT_EQ(view.date, "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(view.location, "https://elsewhere.example/");
  EXPECT_EQ(view.body, response.body);
  const auto parsed = parse_token_response(view, sent);
  EXPECT_EQ(parsed.ec, error::rate_limited);
  EXPECT_EQ(parsed.details.retry_after, seconds(7));
  EXPECT_EQ(parsed.server_date, at(1700000000));
  EXPECT_TRUE(view_of(http_response{}).date.empty());
}

TEST(TokenResponse, ParsesHereCamelCaseNamesAndScope) {
  auto r = answer(
      200,
      R"({"accessToken":"tok","tokenType":"Bearer","expiresIn":3600,"scope":"hrn:here:authorization::org:project/p"})");
  ASSERT_FALSE(r.ec) << r.details.message;
  EXPECT_EQ(r.token.value, "tok");
  EXPECT_EQ(r.token.token_type, "Bearer");
  EXPECT_EQ(r.token.scope, "hrn:here:authorization::org:project/p");
  EXPECT_EQ(r.expires_in, seconds(3600));
  EXPECT_FALSE(r.server_date);
}

TEST(TokenResponse, AcceptsAWholeNumberWrittenAsDoubleAndANullScope) {
  auto r = answer(
      200, R"({"access_token":"tok","token_type":"bearer","expires_in":3600.0,"scope":null})");
  ASSERT_FALSE(r.ec) << r.details.message;
  EXPECT_EQ(r.expires_in, seconds(3600));
}

struct malformed_case {
  const char* body;
  const char* field;  ///< the message must name it
};

TEST(TokenResponse, MalformedSuccessNamesTheFieldAndNeverTheToken) {
  const malformed_case cases[] = {
      {R"({"token_type":"bearer","expires_in":3600})", "access_token"},
      {R"({"access_token":"","token_type":"bearer","expires_in":3600})", "access_token"},
      {R"({"access_token":42,"token_type":"bearer","expires_in":3600})", "access_token"},
      {R"({"access_token":"SECRET-TOKEN\r\nX: y","token_type":"bearer","expires_in":3600})",
       "access_token"},
      {R"({"access_token":"SECRET-TOKEN","expires_in":3600})", "token_type"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"","expires_in":3600})", "token_type"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"mac","expires_in":3600})", "token_type"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer"})", "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":0})", "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":-5})", "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":"3600"})",
       "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":"soon"})",
       "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":null})", "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":1.5})", "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":99999999999})",
       "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":18446744073709551615})",
       "expires_in"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":1e300})", "expires_in"},
      {R"({"accessToken":"SECRET-TOKEN","tokenType":"bearer","expiresIn":0})", "expiresIn"},
      {R"({"access_token":"SECRET-TOKEN","token_type":"bearer","expires_in":60,"scope":7})",
       "scope"},
  };
  for (const auto& c : cases) {
    auto r = answer(200, c.body);
    EXPECT_EQ(r.ec, error::malformed_response) << c.body;
    EXPECT_EQ(r.details.http_status, 200u);
    EXPECT_NE(r.details.message.find(c.field), std::string::npos) << r.details.message;
    EXPECT_EQ(r.details.message.find("SECRET-TOKEN"), std::string::npos) << r.details.message;
    EXPECT_TRUE(r.token.value.empty());
  }
}

TEST(TokenResponse, AnUnaskedContentEncodingIsNamedNotCalledNonJson) {
  token_response_view view;
  view.status = 200;
  view.content_type = "application/json";
  view.content_encoding = " GZIP ";
  view.body = std::string_view("\x1f\x8b\x08\x00binary", 10);
  parsed_token_response r = parse_token_response(view, sent);
  EXPECT_EQ(r.ec, error::malformed_response);
  EXPECT_EQ(r.details.message,
            "the token response is encoded with Content-Encoding 'GZIP', which the request did not "
            "ask for (10 bytes, not decoded)");

  // The same on a refusal: the status decides, the message says why the body was not read.
  view.status = 403;
  r = parse_token_response(view, sent);
  EXPECT_EQ(r.ec, error::request_rejected);
  EXPECT_EQ(r.details.http_status, 403u);
  EXPECT_NE(r.details.message.find("error body encoded with Content-Encoding 'GZIP'"),
            std::string::npos)
      << r.details.message;

  // identity is no encoding at all; an empty body has nothing to decode.
  view.status = 200;
  view.content_encoding = "identity";
  view.body = R"({"access_token":"abc","token_type":"bearer","expires_in":3600})";
  EXPECT_FALSE(parse_token_response(view, sent).ec);
}

TEST(TokenResponse, NonJsonSuccessIsMalformedNotAMadeUpServerError) {
  auto r =
      answer(200, "<html><body>Welcome to the captive portal</body></html>", {}, {}, "text/html");
  EXPECT_EQ(r.ec, error::malformed_response);
  EXPECT_EQ(r.details.http_status, 200u);
  EXPECT_NE(r.details.message.find("not JSON"), std::string::npos);
  EXPECT_NE(r.details.message.find("text/html"), std::string::npos);

  // A body that might carry a token in another format is not echoed.
  r = answer(200, "access_token=SECRET-TOKEN&expires_in=3600", {}, {},
             "application/x-www-form-urlencoded");
  EXPECT_EQ(r.ec, error::malformed_response);
  EXPECT_EQ(r.details.message.find("SECRET-TOKEN"), std::string::npos);

  EXPECT_EQ(answer(200, R"({"access_token": "abc",)").ec, error::malformed_response);
  EXPECT_EQ(answer(200, "").ec, error::malformed_response);
  r = answer(200, R"(["access_token"])");
  EXPECT_EQ(r.ec, error::malformed_response);
  EXPECT_NE(r.details.message.find("array"), std::string::npos);
}

// ---- error answers -----------------------------------------------------------------------------

TEST(TokenResponse, HereSignatureErrorKeepsItsDetails) {
  auto r = answer(
      401,
      R"({"errorId":"ERROR-51fa3a57-1dfa-4da7-b2e9-5f94574a4f75","httpStatus":401,"errorCode":401300,"message":"Signature mismatch. Authorization signature or client credential is wrong.","error":"invalid_client","error_description":"errorCode: '401300'. Signature mismatch."})",
      "Tue, 14 Nov 2023 22:13:20 GMT");
  EXPECT_EQ(r.ec, error::signature_rejected);
  EXPECT_EQ(r.details.http_status, 401u);
  EXPECT_EQ(r.details.error_code, "401300");
  EXPECT_EQ(r.details.error_id, "ERROR-51fa3a57-1dfa-4da7-b2e9-5f94574a4f75");
  EXPECT_EQ(r.details.message,
            "Signature mismatch. Authorization signature or client credential is wrong.");
  EXPECT_EQ(r.server_date, at(1700000000));  // error answers keep the server's Date too
}

TEST(TokenResponse, TimestampErrorIsRecognisedInEveryForm) {
  auto r = answer(
      401,
      R"({"errorId":"E1","httpStatus":401,"errorCode":401204,"message":"Time stamp is outside the valid period."})",
      "Tue, 14 Nov 2023 23:13:20 GMT");
  EXPECT_EQ(r.ec, error::timestamp_rejected);
  EXPECT_EQ(r.details.error_code, "401204");
  EXPECT_EQ(r.server_date, at(1700003600));

  r = answer(401, R"({"errorCode":"401204","message":"Time stamp is outside the valid period."})");
  EXPECT_EQ(r.ec, error::timestamp_rejected);

  // OAuth2's form only, with HERE's code inside the description.
  r = answer(
      401,
      R"({"error":"invalid_request","error_description":"errorCode: '401204'. Time stamp is outside the valid period."})");
  EXPECT_EQ(r.ec, error::timestamp_rejected);
  EXPECT_EQ(r.details.error_code, "401204");
  EXPECT_NE(r.details.message.find("Time stamp"), std::string::npos);
}

TEST(TokenResponse, Maps401CodesByFamily) {
  for (const char* code : {"401200", "401202", "401205", "401207", "401300", "401301", "401399"}) {
    auto r = answer(401, std::string(R"({"errorCode":)") + code + "}");
    EXPECT_EQ(r.ec, error::signature_rejected) << code;
    EXPECT_EQ(r.details.error_code, code);
  }
  EXPECT_EQ(answer(401, "").ec, error::signature_rejected);  // no code at all
  EXPECT_EQ(answer(401, R"({"error":"invalid_client"})").ec, error::signature_rejected);
  EXPECT_EQ(answer(401, R"({"errorCode":401100})").ec, error::request_rejected);
  EXPECT_EQ(answer(401, R"({"errorCode":401400})").ec, error::request_rejected);
}

TEST(TokenResponse, OAuth2ErrorFormKeepsItsDetails) {
  auto r =
      answer(400, R"({"error":"invalid_request","error_description":"grant_type is missing"})");
  EXPECT_EQ(r.ec, error::request_rejected);
  EXPECT_EQ(r.details.http_status, 400u);
  EXPECT_EQ(r.details.error_code, "invalid_request");
  EXPECT_EQ(r.details.message, "grant_type is missing");
}

TEST(TokenResponse, MapsStatusClasses) {
  EXPECT_EQ(answer(403, R"({"errorCode":403100,"message":"no access"})").ec,
            error::request_rejected);
  EXPECT_EQ(answer(404, "").ec, error::request_rejected);
  EXPECT_EQ(answer(429, "").ec, error::rate_limited);
  EXPECT_EQ(answer(500, R"({"errorCode":500000,"message":"boom"})").ec, error::server_error);
  EXPECT_EQ(answer(503, "").ec, error::server_error);
  EXPECT_EQ(answer(599, "").ec, error::server_error);
  EXPECT_EQ(answer(100, "").ec, error::malformed_response);
  EXPECT_EQ(answer(600, "").ec, error::malformed_response);
}

TEST(TokenResponse, RedirectIsRefusedAndSaysWhereItPointed) {
  auto r = answer(302, "", {}, {}, {}, "https://login.example.com/elsewhere");
  EXPECT_EQ(r.ec, error::redirect_refused);
  EXPECT_EQ(r.details.http_status, 302u);
  EXPECT_NE(r.details.message.find("https://login.example.com/elsewhere"), std::string::npos);
  r = answer(301, "");
  EXPECT_EQ(r.ec, error::redirect_refused);
  EXPECT_NE(r.details.message.find("no Location"), std::string::npos);
}

TEST(TokenResponse, RetryAfterInSecondsOrAsADate) {
  auto r = answer(429, R"({"errorCode":429002,"message":"Too many requests"})", {}, "30");
  EXPECT_EQ(r.ec, error::rate_limited);
  EXPECT_EQ(r.details.retry_after, seconds(30));
  EXPECT_EQ(r.details.error_code, "429002");

  // A date counts from the server's own Date, so a skewed local clock does not matter.
  r = answer(503, "", "Tue, 14 Nov 2023 22:13:20 GMT", "Tue, 14 Nov 2023 22:15:20 GMT");
  EXPECT_EQ(r.ec, error::server_error);
  EXPECT_EQ(r.details.retry_after, seconds(120));

  r = answer(503, "", {}, "garbage");
  EXPECT_FALSE(r.details.retry_after);
}

TEST(RetryAfter, ParsesBothFormsAndClampsThePast) {
  const auto now = at(fixed_time);
  EXPECT_EQ(parse_retry_after("0", std::nullopt, now), seconds(0));
  EXPECT_EQ(parse_retry_after(" 120 ", std::nullopt, now), seconds(120));
  EXPECT_EQ(parse_retry_after(format_http_date(now + seconds(90)), std::nullopt, now), seconds(90));
  EXPECT_EQ(parse_retry_after(format_http_date(now + seconds(90)), now + seconds(30), now),
            seconds(60));
  EXPECT_EQ(parse_retry_after(format_http_date(now - seconds(90)), std::nullopt, now), seconds(0));
  EXPECT_FALSE(parse_retry_after("-1", std::nullopt, now));
  EXPECT_FALSE(parse_retry_after("1.5", std::nullopt, now));
  EXPECT_FALSE(parse_retry_after("99999999999999999999", std::nullopt, now));
  EXPECT_FALSE(parse_retry_after("", std::nullopt, now));
}

TEST(TokenResponse, HtmlErrorPageGivesAShortSanitizedExcerpt) {
  std::string page =
      "<!DOCTYPE html>\r\n<html><head><title>502 Bad Gateway</title>\r\n<style>p{}</style></head>"
      "<body>\n<h1>Bad\tGateway</h1>\x01\x7f<p>The proxy got an invalid answer.</p>";
  page += std::string(5000, 'x');
  page += "</body></html>";
  auto r = answer(502, page, {}, {}, "text/html; charset=utf-8");
  EXPECT_EQ(r.ec, error::server_error);
  EXPECT_EQ(r.details.http_status, 502u);
  const std::string& m = r.details.message;
  EXPECT_NE(m.find("502 Bad Gateway"), std::string::npos) << m;
  EXPECT_NE(m.find("Bad Gateway"), std::string::npos) << m;
  EXPECT_NE(m.find("text/html"), std::string::npos) << m;
  EXPECT_EQ(m.find('<'), std::string::npos) << m;
  EXPECT_LT(m.size(), 300u) << m;
  for (char c : m) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
  }
}

TEST(TokenResponse, ServerMessagesAreSanitizedAndBounded) {
  std::string body =
      R"({"errorCode":400200,"message":"line1\r\nline2\u0000)" + std::string(2000, 'y') + "\"}";
  auto r = answer(400, body);
  EXPECT_EQ(r.ec, error::request_rejected);
  EXPECT_EQ(r.details.message.find('\n'), std::string::npos);
  EXPECT_EQ(r.details.message.find('\0'), std::string::npos);
  EXPECT_LE(r.details.message.size(), 310u);
  EXPECT_TRUE(r.details.message.starts_with("line1 line2"));
}

TEST(TokenResponse, InvalidDateIsIgnored) {
  auto r = answer(500, "", "yesterday");
  EXPECT_FALSE(r.server_date);
}

TEST(SanitizeExcerpt, CollapsesCutsAndDropsMarkupOnlyWhenAsked) {
  EXPECT_EQ(sanitize_excerpt("  a \r\n\t b  ", 100), "a b");
  EXPECT_EQ(sanitize_excerpt("abcdef", 3), "abc...");
  EXPECT_EQ(sanitize_excerpt("a < b", 100), "a < b");
  EXPECT_EQ(sanitize_excerpt("<b>bold</b> text", 100, true), "bold text");
  EXPECT_EQ(sanitize_excerpt("caf\xC3\xA9 ok", 100), "caf ok");
}

}  // namespace
}  // namespace here::oauth::detail

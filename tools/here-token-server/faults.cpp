// SPDX-License-Identifier: Apache-2.0
#include "faults.hpp"

#include <chrono>

#include "here_answers.hpp"

namespace here::oauth::test_support {
namespace {

using namespace std::chrono_literals;

/// rejected_error_codes() records 4xx answers only: their errorCode, or the bare status.
std::string rejection_of(unsigned status, std::string code) {
  if (status < 400 || status >= 500)
    return {};
  return code.empty() ? std::to_string(status) : std::move(code);
}

}  // namespace

scripted_reply random_fault(std::mt19937_64& random) {
  scripted_reply reply;
  switch (std::uniform_int_distribution<int>(0, 8)(random)) {
    case 0:
      reply.what = fault::hang;
      break;
    case 1:
      reply.what = fault::close_before_response;
      break;
    case 2:
      reply.what = fault::close_mid_response;
      break;
    case 3:
      reply.what = fault::status;
      reply.status = 503;
      break;
    case 4:
      reply.what = fault::rate_limited;
      reply.retry_after = 1s;
      break;
    case 5:
      reply.what = fault::malformed_json;
      break;
    case 6:
      reply.what = fault::non_json_body;
      break;
    case 7:
      reply.what = fault::delay;
      reply.delay = 200ms;
      break;
    default:
      reply.what = fault::trickle;
      reply.delay = 1ms;
      break;
  }
  return reply;
}

fault_answer canned_answer(const scripted_reply& script, std::size_t oversized_body_bytes,
                           std::string_view origin) {
  fault_answer out;
  wire_response& response = out.response;
  switch (script.what) {
    case fault::status:
      response.status = script.status;
      response.body = !script.body.empty()
                          ? script.body
                          : here_error_body(script.status, default_error_code(script.status),
                                            default_error_message(script.status));
      if (script.retry_after) {
        response.headers.emplace_back("Retry-After", std::to_string(script.retry_after->count()));
      }
      out.rejection =
          rejection_of(script.status, script.body.empty() ? default_error_code(script.status)
                                                          : error_code_in(script.body));
      break;
    case fault::rate_limited:
      response.status = 429;
      response.body = here_error_body(429, "429002", default_error_message(429));
      response.headers.emplace_back("Retry-After",
                                    std::to_string(script.retry_after.value_or(1s).count()));
      out.rejection = "429002";
      break;
    case fault::malformed_json:
      response.body = R"({"access_token": "abc",)";
      break;
    case fault::non_json_body:
      response.content_type = "text/html; charset=utf-8";
      response.body = script.body.empty() ? default_proxy_page() : script.body;
      break;
    case fault::oversized_body: {
      const std::string head = R"({"access_token":")";
      const std::string tail = R"(","token_type":"bearer","expires_in":3600})";
      const std::size_t fill = oversized_body_bytes > head.size() + tail.size()
                                   ? oversized_body_bytes - head.size() - tail.size()
                                   : 0;
      response.body = head + std::string(fill, 'A') + tail;
      break;
    }
    case fault::missing_fields:
      response.body = R"({"token_type":"bearer","expires_in":3600})";
      break;
    case fault::redirect:
      response.status = 302;
      response.headers.emplace_back(
          "Location", script.location.empty() ? std::string(origin) + "/redirected/oauth2/token"
                                              : script.location);
      break;
    case fault::none:
    case fault::delay:
    case fault::hang:
    case fault::close_before_response:
    case fault::close_mid_response:
    case fault::trickle:
      break;  // not canned: the session carries them out
  }
  return out;
}

std::string default_proxy_page() {
  return "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad "
         "Gateway</h1><p>The proxy server received an invalid response from an upstream "
         "server.</p><hr><address>corporate-proxy</address></body></html>\n";
}

}  // namespace here::oauth::test_support

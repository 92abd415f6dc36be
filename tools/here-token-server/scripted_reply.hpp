// SPDX-License-Identifier: Apache-2.0
#pragma once

// How a test tells the local token server to misbehave: one scripted reply per HTTP request, used
// in order (local_token_server::push), each naming a fault and its parameters.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace here::oauth::test_support {

/// What the server does with one request instead of (or on top of) a normal answer.
enum class fault {
  none,                   ///< a normal answer
  delay,                  ///< wait `delay` (asynchronously), then a normal answer
  hang,                   ///< read the request, never answer; the socket stays open until the
                          ///< client closes it or the server stops
  close_before_response,  ///< read the request, close the connection without a byte
  close_mid_response,     ///< send the status line, headers and half the body, then close
  status,                 ///< answer `status` with a HERE-shaped error body (or `body`)
  rate_limited,           ///< 429, errorCode 429002, Retry-After (`retry_after`, default 1 s)
  malformed_json,         ///< 200 application/json: {"access_token": "abc",   (truncated)
  non_json_body,          ///< 200 text/html: a proxy's error page (or `body`)
  oversized_body,         ///< 200 application/json of server_options::oversized_body_bytes bytes
  missing_fields,         ///< 200 JSON without access_token
  trickle,                ///< a normal answer sent one byte per `delay`
  redirect,  ///< 302 to `location` (default: this server, path /redirected/oauth2/token)
};

/// The script for one request. Replies are used in FIFO order, one per HTTP request.
struct scripted_reply {
  fault what = fault::none;
  std::chrono::milliseconds delay{0};  ///< delay: before a normal answer; trickle: between bytes
  unsigned status = 503;               ///< for fault::status (e.g. 500, 503, 403, 400)
  std::optional<std::chrono::seconds> retry_after;  ///< Retry-After header (status / rate_limited)
  std::optional<std::chrono::seconds> expires_in;   ///< overrides the lifetime of a normal answer
  std::string body;  ///< status / non_json_body: raw body (empty: HERE-shaped / an HTML proxy page)
  std::string location;  ///< redirect: the Location header (empty: see fault::redirect)
  /// Headers added to whatever answer is sent (e.g. Content-Encoding: gzip).
  std::vector<std::pair<std::string, std::string>> headers;
  /// Interim answers (e.g. {100} or {100, 103}) sent before the final one.
  std::vector<unsigned> interim;
};

/// A reply that only applies `what` (every other field at its default).
inline scripted_reply fault_reply(fault what) {
  scripted_reply r;
  r.what = what;
  return r;
}

/// fault::status: `status` with a HERE-shaped error body, or with `body` when it is not empty.
inline scripted_reply status_reply(unsigned status, std::string body = {}) {
  scripted_reply r = fault_reply(fault::status);
  r.status = status;
  r.body = std::move(body);
  return r;
}

/// fault::rate_limited: 429 with this Retry-After.
inline scripted_reply rate_limited_reply(std::chrono::seconds retry_after) {
  scripted_reply r = fault_reply(fault::rate_limited);
  r.retry_after = retry_after;
  return r;
}

}  // namespace here::oauth::test_support

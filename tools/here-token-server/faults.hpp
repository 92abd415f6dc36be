// SPDX-License-Identifier: Apache-2.0
#pragma once

// The faults of the local token server that need no decision of the token endpoint: which one a
// random fault rate picks, and the canned answers of those that answer at all. The server's
// session (session.cpp) carries out the ones that act on the connection (hang, close, delay,
// trickle).

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include "scripted_reply.hpp"
#include "wire_response.hpp"

namespace here::oauth::test_support {

/// One of the faults local_token_server::set_fault_rate() draws from, with equal chances: hang,
/// close before or mid response, 503, 429 (Retry-After 1 s), malformed JSON, an HTML page, a
/// 200 ms delay or a 1 ms/byte trickle. The same generator state gives the same fault.
scripted_reply random_fault(std::mt19937_64& random);

/// What the server says for a canned fault.
struct fault_answer {
  wire_response response;
  std::string rejection;  ///< the errorCode rejected_error_codes() records (4xx only), or ""
};

/// The answer of fault::status, rate_limited, malformed_json, non_json_body, oversized_body
/// (oversized_body_bytes long), missing_fields and redirect (to origin's
/// /redirected/oauth2/token unless the script names a location). Other faults: a 200 without body.
fault_answer canned_answer(const scripted_reply& script, std::size_t oversized_body_bytes,
                           std::string_view origin);

/// The body of fault::non_json_body when the script has none: a corporate proxy's error page.
std::string default_proxy_page();

}  // namespace here::oauth::test_support

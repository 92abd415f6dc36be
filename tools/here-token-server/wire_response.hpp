// SPDX-License-Identifier: Apache-2.0
#pragma once

// An HTTP answer of the local token server as raw bytes: written by hand, not by Beast, so that a
// fault can cut, slow down or garble it anywhere.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace here::oauth::test_support {

struct wire_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< beyond the fixed ones
  bool close = false;                                        ///< adds "Connection: close"
  /// Interim (1xx) answers sent before this one, each a status line and a blank line (103 Early
  /// Hints also with a Link header), as RFC 9110 allows any number of.
  std::vector<unsigned> interim;
};

/// The interim answers, then the status line, Date (date, an IMF-fixdate), Server, Content-Type,
/// Cache-Control: no-store, Content-Length, the extra headers, and the body.
std::string serialize(const wire_response& response, std::string_view date);

}  // namespace here::oauth::test_support

// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the local token server's OAuth 1.0 Authorization header parser and its form and
// percent decoders (test/support/oauth_header_parser.hpp). The server parses whatever a client
// sends, so these must survive any bytes. Checks: a parse either fails with a reason or yields
// unique, decoded parameters; decoding is the inverse of the SDK's percent_encode.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "signing/signer.hpp"

#include "fuzz_check.hpp"
#include "oauth_header_parser.hpp"

namespace ts = here::oauth::test_support;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const ts::oauth_header_parse_result header = ts::parse_oauth_header(text);
  if (header.problem == ts::header_problem::none) {
    HERE_FUZZ_CHECK(header.detail.empty());
    HERE_FUZZ_CHECK(!header.parameters.empty());
    std::set<std::string> names;
    for (const auto& [name, value] : header.parameters) {
      HERE_FUZZ_CHECK(!name.empty());
      HERE_FUZZ_CHECK(names.insert(name).second);  // duplicates are refused
      HERE_FUZZ_CHECK(header.find(name) == &value);
    }
  } else {
    HERE_FUZZ_CHECK(!header.detail.empty());
    HERE_FUZZ_CHECK(header.parameters.empty());
  }

  for (bool plus_is_space : {false, true}) {
    if (auto decoded = ts::decode_percent(text, plus_is_space)) {
      HERE_FUZZ_CHECK(decoded->size() <= text.size());
      // Round trip through the SDK's encoder (RFC 3986 unreserved set kept as is).
      HERE_FUZZ_CHECK(ts::decode_percent(here::oauth::detail::percent_encode(*decoded), false) ==
                      decoded);
    }
  }
  if (auto form = ts::parse_form_urlencoded(text)) {
    for (const auto& [name, value] : *form)
      HERE_FUZZ_CHECK(name.size() + value.size() <= text.size());
  }
  return 0;
}

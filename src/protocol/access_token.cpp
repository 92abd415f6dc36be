// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/access_token.hpp>

namespace here::oauth {

std::string redact_token(const std::string& token_value) {
  // Eight characters identify a token in logs without making it usable.
  constexpr std::size_t shown = 8;
  // Built with append() only: GCC 12 at -O3 reports a false -Wrestrict inside libstdc++ for
  // "<" + std::to_string(...), which a Release build with warnings as errors refuses.
  const std::string length = std::to_string(token_value.size());
  std::string out;
  if (token_value.size() <= 2 * shown) {
    out.append("<").append(length).append(" chars>");
    return out;
  }
  out.append(token_value, 0, shown).append("...(").append(length).append(" chars)");
  return out;
}

}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include <here/oauth/access_token.hpp>

namespace here::oauth {

std::string redact_token(const std::string& token_value) {
  // Eight characters identify a token in logs without making it usable.
  constexpr std::size_t shown = 8;
  if (token_value.size() <= 2 * shown)
    return "<" + std::to_string(token_value.size()) + " chars>";
  return token_value.substr(0, shown) + "...(" + std::to_string(token_value.size()) + " chars)";
}

}  // namespace here::oauth

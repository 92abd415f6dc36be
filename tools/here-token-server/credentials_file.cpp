// SPDX-License-Identifier: Apache-2.0
#include "credentials_file.hpp"

#include <fstream>
#include <stdexcept>

namespace here::oauth::test_support {

std::string properties_escape(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case ' ':
        out += i == 0 ? "\\ " : " ";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

void write_credentials_properties(const std::filesystem::path& file, std::string_view key_id,
                                  std::string_view secret, std::string_view endpoint_url) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (out) {
    // Owner only before the secret is in it.
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        std::filesystem::perm_options::replace);
  }
  out << "here.user.id = " << server_user_id << '\n'
      << "here.client.id = " << server_client_id << '\n'
      << "here.access.key.id = " << properties_escape(key_id) << '\n'
      << "here.access.key.secret = " << properties_escape(secret) << '\n'
      << "here.token.endpoint.url = " << endpoint_url << '\n';
  out.flush();
  if (!out)
    throw std::runtime_error("local_token_server: cannot write " + file.string());
}

}  // namespace here::oauth::test_support

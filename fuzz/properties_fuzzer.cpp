// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the credentials.properties parser (detail::parse_properties) and the credentials
// layer on top of it (parse_credentials). Beyond "no crash, no UB, no leak" it checks that
// entries are well-formed and that an error message never shows a value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>

#include "credentials/properties_parser.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::string_view secret_key = "here.access.key.secret";

bool known_key(std::string_view key) {
  return key == "here.access.key.id" || key == secret_key || key == "here.token.endpoint.url" ||
         key == "here.user.id" || key == "here.client.id" || key == "here.token.scope";
}

// Messages are built from fixed English texts, HERE's key names, line numbers and the source name.
// A value holding one of these characters cannot appear in them by coincidence, so finding it in
// a message means the message leaked it.
bool distinctive(std::string_view value) {
  return value.size() >= 8 && value.find_first_of("~|^`$") != std::string_view::npos;
}

unsigned count_lines(std::string_view text) {
  unsigned lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
      ++lines;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = here::oauth::detail::parse_properties(text);
  const unsigned lines = count_lines(text);
  for (const auto& entry : parsed.entries) {
    HERE_FUZZ_CHECK(!entry.key.empty());
    HERE_FUZZ_CHECK(entry.line >= 1 && entry.line <= lines);
  }
  if (parsed.error) {
    HERE_FUZZ_CHECK(parsed.error->line >= 1 && parsed.error->line <= lines);
    HERE_FUZZ_CHECK(!parsed.error->message.empty());
    for (const auto& entry : parsed.entries) {
      if (distinctive(entry.value))
        HERE_FUZZ_CHECK(parsed.error->message.find(entry.value) == std::string::npos);
    }
  }

  try {
    const auto creds = here::oauth::parse_credentials(text, "fuzz.properties");
    HERE_FUZZ_CHECK(!creds.access_key_id.empty());
    HERE_FUZZ_CHECK(!creds.access_key_secret.empty());
    HERE_FUZZ_CHECK(here::oauth::check_endpoint_url(creds.token_endpoint_url).empty());
    HERE_FUZZ_CHECK(creds.source == "fuzz.properties");
  } catch (const here::oauth::credentials_error& e) {
    const std::string_view what = e.what();
    HERE_FUZZ_CHECK(what.find("fuzz.properties") != std::string_view::npos);
    HERE_FUZZ_CHECK(e.code().category() == here::oauth::error_category());
    // Neither a secret nor an unknown key (which may be a pasted secret) is ever shown.
    for (const auto& entry : parsed.entries) {
      if (entry.key == secret_key && distinctive(entry.value))
        HERE_FUZZ_CHECK(what.find(entry.value) == std::string_view::npos);
      if (!known_key(entry.key) && distinctive(entry.key))
        HERE_FUZZ_CHECK(what.find(entry.key) == std::string_view::npos);
    }
    if (parsed.error && !known_key(parsed.error->key) && distinctive(parsed.error->key))
      HERE_FUZZ_CHECK(what.find(parsed.error->key) == std::string_view::npos);
    HERE_FUZZ_CHECK(e.key().empty() || known_key(e.key()));
  }
  return 0;
}

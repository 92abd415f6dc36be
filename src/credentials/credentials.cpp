#include <here/oauth/credentials.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <vector>

#include <here/oauth/error.hpp>

#include "common/wipe.hpp"
#include "credentials/endpoint.hpp"
#include "credentials/properties_parser.hpp"

namespace here::oauth {
namespace {

constexpr std::string_view key_access_key_id = "here.access.key.id";
constexpr std::string_view key_access_key_secret = "here.access.key.secret";
constexpr std::string_view key_endpoint_url = "here.token.endpoint.url";
constexpr std::string_view key_user_id = "here.user.id";
constexpr std::string_view key_client_id = "here.client.id";

bool is_known_key(std::string_view key) {
  return key == key_access_key_id || key == key_access_key_secret || key == key_endpoint_url ||
         key == key_user_id || key == key_client_id;
}

// A credentials file is a few hundred bytes; anything this large is the wrong file.
constexpr std::size_t max_credentials_file_bytes = 1024 * 1024;

std::string where(std::string_view source, unsigned line) {
  std::string text(source);
  if (line != 0)
    text += ":" + std::to_string(line);
  return text;
}

[[noreturn]] void fail(error e, std::string_view source, unsigned line, std::string key,
                       const std::string& what) {
  std::string message = where(source, line) + ": " + what;
  if (!key.empty())
    message += " (key '" + key + "')";
  throw credentials_error(e, message, std::filesystem::path(source), line, std::move(key));
}

// Wipes a string that held secret bytes when it goes out of scope, unless released.
class wipe_guard {
 public:
  explicit wipe_guard(std::string& s) noexcept : s_(&s) {}
  wipe_guard(const wipe_guard&) = delete;
  wipe_guard& operator=(const wipe_guard&) = delete;
  ~wipe_guard() {
    if (s_ != nullptr)
      detail::wipe(*s_);
  }
  void release() noexcept { s_ = nullptr; }

 private:
  std::string* s_;
};

std::string read_file(const std::filesystem::path& file) {
  std::error_code status_ec;
  const auto status = std::filesystem::status(file, status_ec);
  if (std::filesystem::is_directory(status)) {
    throw credentials_error(
        error::credentials_file_unreadable,
        "cannot read credentials file '" + file.string() + "': it is a directory", file);
  }
  errno = 0;
  // Unbuffered: the stream's own buffer would get a copy of the file (the secret with it) and
  // free it unwiped; reads go straight into `buffer` below instead (test/hygiene checks this).
  std::ifstream in;
  in.rdbuf()->pubsetbuf(nullptr, 0);
  in.open(file, std::ios::binary);
  if (!in) {
    int saved = errno;
    throw credentials_error(error::credentials_file_unreadable,
                            "cannot open credentials file '" + file.string() +
                                "': " + std::strerror(saved != 0 ? saved : ENOENT),
                            file);
  }
  // Reserve the whole file up front, so growing the string leaves no copy of the secret behind
  // in freed memory; the read buffer is wiped too.
  std::string text;
  wipe_guard text_guard(text);
  std::error_code size_ec;
  const auto size = std::filesystem::file_size(file, size_ec);
  text.reserve(size_ec ? 4096 : std::min<std::uintmax_t>(size, max_credentials_file_bytes) + 1);
  std::string buffer(4096, '\0');
  wipe_guard buffer_guard(buffer);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_credentials_file_bytes) {
      throw credentials_error(error::credentials_file_unreadable,
                              "credentials file '" + file.string() + "' is larger than 1 MiB",
                              file);
    }
  }
  if (in.bad()) {
    throw credentials_error(error::credentials_file_unreadable,
                            "cannot read credentials file '" + file.string() + "'", file);
  }
  text_guard.release();
  return text;
}

// Like ssh with private keys: a credentials file others can read is worth a warning (not an
// error: the file may sit on a single-user machine). Returns an empty string when all is well.
std::string permission_warning(const std::filesystem::path& file) {
#if defined(_WIN32)
  (void)file;
  return {};
#else
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::perms p = fs::status(file, ec).permissions();
  if (ec || p == fs::perms::unknown)
    return {};
  const auto has = [p](fs::perms bits) { return (p & bits) != fs::perms::none; };
  const char* what = nullptr;
  if (has(fs::perms::group_read | fs::perms::others_read))
    what = "readable";
  else if (has(fs::perms::group_write | fs::perms::others_write))
    what = "writable";
  else if (has(fs::perms::group_exec | fs::perms::others_exec))
    what = "accessible";
  if (what == nullptr)
    return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(p & fs::perms::all));
  return "credentials file '" + file.string() + "' is " + what + " by group or others (mode " +
         mode + "); run chmod 600 '" + file.string() + "'";
#endif
}

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

credentials_error::credentials_error(boost::system::error_code ec, const std::string& message,
                                     std::filesystem::path file, unsigned line, std::string key)
    : boost::system::system_error(ec, message),
      file_(std::move(file)),
      line_(line),
      key_(std::move(key)) {}

std::string check_endpoint_url(std::string_view url) {
  // The same parser that later takes the URL apart for the signer and the transport.
  std::string problem;
  detail::parse_endpoint(url, problem);
  return problem;
}

credentials parse_credentials(std::string_view text, std::string_view source_name) {
  auto parsed = detail::parse_properties(text);
  // The parser's copies of the secret die with `parsed`; wipe them rather than leave them in freed
  // memory, on every way out of this function.
  struct wipe_secret_values {
    std::vector<detail::property>& entries;
    ~wipe_secret_values() {
      for (auto& entry : entries) {
        if (entry.key == key_access_key_secret)
          detail::wipe(entry.value);
      }
    }
  } wipe_secrets{parsed.entries};
  if (parsed.error) {
    // Only HERE's own keys are named: an unknown "key" may be a pasted secret (a line holding just
    // the secret reads as a key without value), and messages never show a secret.
    std::string key = parsed.error->key;
    std::string message = parsed.error->message;
    if (!key.empty() && !is_known_key(key)) {
      key.clear();
      message += " (of an unrecognised key)";
    }
    fail(error::credentials_malformed, source_name, parsed.error->line, std::move(key), message);
  }
  // Later duplicates win, as in java.util.Properties.
  std::map<std::string_view, const detail::property*> known;
  for (const auto& entry : parsed.entries) {
    for (auto key :
         {key_access_key_id, key_access_key_secret, key_endpoint_url, key_user_id, key_client_id}) {
      if (entry.key == key)
        known[key] = &entry;
    }
  }
  auto require = [&](std::string_view key) -> const detail::property& {
    auto it = known.find(key);
    if (it == known.end())
      fail(error::credentials_missing, source_name, 0, std::string(key), "missing");
    if (it->second->value.empty()) {
      fail(error::credentials_missing, source_name, it->second->line, std::string(key),
           "empty value");
    }
    return *it->second;
  };

  credentials result;
  result.source = std::string(source_name);
  result.access_key_id = require(key_access_key_id).value;
  result.access_key_secret = secret_string(require(key_access_key_secret).value);
  if (auto it = known.find(key_endpoint_url); it != known.end()) {
    const auto& entry = *it->second;
    if (std::string problem = check_endpoint_url(entry.value); !problem.empty()) {
      fail(error::invalid_endpoint_url, source_name, entry.line, std::string(key_endpoint_url),
           "invalid token endpoint URL: " + problem);
    }
    result.token_endpoint_url = entry.value;
  }
  if (auto it = known.find(key_user_id); it != known.end())
    result.user_id = it->second->value;
  if (auto it = known.find(key_client_id); it != known.end())
    result.client_id = it->second->value;
  return result;
}

credentials load_credentials(const std::filesystem::path& file) {
  std::string text = read_file(file);
  wipe_guard guard(text);  // the file's bytes hold the secret
  credentials result = parse_credentials(text, file.string());
  if (std::string warning = permission_warning(file); !warning.empty())
    result.warnings.push_back(std::move(warning));
  return result;
}

credentials load_credentials(const std::filesystem::path& file, boost::system::error_code& ec,
                             std::string& diagnostic) {
  try {
    ec.clear();
    diagnostic.clear();
    return load_credentials(file);
  } catch (const credentials_error& e) {
    ec = e.code();
    diagnostic = e.what();
  } catch (const std::bad_alloc&) {
    ec = make_error_code(boost::system::errc::not_enough_memory);
    diagnostic = "out of memory reading '" + file.string() + "'";
  }
  return {};
}

credentials load_credentials(const std::filesystem::path& file, boost::system::error_code& ec) {
  std::string diagnostic;
  return load_credentials(file, ec, diagnostic);
}

credentials credentials_from_environment() {
  const char* id = env("HERE_ACCESS_KEY_ID");
  const char* secret = env("HERE_ACCESS_KEY_SECRET");
  if (id == nullptr && secret == nullptr) {
    throw credentials_error(
        error::credentials_not_found,
        "environment: HERE_ACCESS_KEY_ID and HERE_ACCESS_KEY_SECRET are not set");
  }
  if (id == nullptr || secret == nullptr) {
    std::string missing = id == nullptr ? "HERE_ACCESS_KEY_ID" : "HERE_ACCESS_KEY_SECRET";
    throw credentials_error(error::credentials_missing,
                            "environment: " + missing + " is not set or empty", {}, 0, missing);
  }
  credentials result;
  result.source = "environment";
  result.access_key_id = id;
  result.access_key_secret = secret_string(std::string_view(secret));
  if (const char* url = env("HERE_TOKEN_ENDPOINT_URL")) {
    if (std::string problem = check_endpoint_url(url); !problem.empty()) {
      throw credentials_error(error::invalid_endpoint_url,
                              "environment: HERE_TOKEN_ENDPOINT_URL is invalid: " + problem, {}, 0,
                              "HERE_TOKEN_ENDPOINT_URL");
    }
    result.token_endpoint_url = url;
  }
  if (const char* user = env("HERE_USER_ID"))
    result.user_id = user;
  if (const char* client = env("HERE_CLIENT_ID"))
    result.client_id = client;
  return result;
}

credentials default_credentials() {
  std::string tried;
  auto note = [&tried](const std::string& what) {
    if (!tried.empty())
      tried += "; ";
    tried += what;
  };

  try {
    return credentials_from_environment();
  } catch (const credentials_error& e) {
    if (e.code() != make_error_code(error::credentials_not_found))
      throw;
    note("environment variables HERE_ACCESS_KEY_ID/HERE_ACCESS_KEY_SECRET (not set)");
  }

  // A file named explicitly must load: a typo in HERE_CREDENTIALS_FILE is an error, not a fallback.
  if (const char* file = env("HERE_CREDENTIALS_FILE"))
    return load_credentials(file);
  note("HERE_CREDENTIALS_FILE (not set)");

  if (const char* home = env("HOME")) {
    std::filesystem::path file = std::filesystem::path(home) / ".here" / "credentials.properties";
    std::error_code exists_ec;
    if (std::filesystem::exists(file, exists_ec))
      return load_credentials(file);
    note(file.string() + " (no such file)");
  } else {
    note("~/.here/credentials.properties (HOME not set)");
  }
  throw credentials_error(error::credentials_not_found, "searched " + tried);
}

}  // namespace here::oauth

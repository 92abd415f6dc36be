// SPDX-License-Identifier: Apache-2.0
// Is the secret wiped from memory the SDK frees? This executable replaces the global allocation
// functions (and OpenSSL's, through CRYPTO_set_mem_functions) with ones that
//   - zero every block when it is handed out, so every byte of it is determinate afterwards, and
//   - look through each block for the secret just before it is given back to malloc,
// while a test has armed the check. A block that still holds the secret (raw or percent-encoded,
// whole or either half) when it is freed is a copy nobody wiped: it would linger in freed memory.
// Nothing here reads memory after it was freed: the scan runs inside operator delete, on a block
// the program still owns.
//
// Blocks are seen only when they go through operator new/delete or OpenSSL's allocator; the
// stack, static storage and the kernel's page cache are out of scope.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include <here/oauth/credentials.hpp>
#include <here/oauth/secret_string.hpp>
#include <here/oauth/token_provider.hpp>
#include "signing/signer.hpp"

#include "local_token_server.hpp"

#include "temp_dir.hpp"

namespace {

// The secret: reserved characters make its percent-encoded form (the signing key) differ.
constexpr char secret_text[] = "W1pe+Me/Please=Or~Fail_0123456789abcdefXYZ";
constexpr char encoded_text[] = "W1pe%2BMe%2FPlease%3DOr~Fail_0123456789abcdefXYZ";
constexpr std::size_t secret_size = sizeof secret_text - 1;
constexpr std::size_t encoded_size = sizeof encoded_text - 1;

// A secret short enough for std::string's small-string buffer, which lives inside the object.
constexpr char short_secret_text[] = "Sh0rt~S3cr3t";

struct pattern {
  const char* data;
  std::size_t size;
  const char* name;
};
const std::array<pattern, 9> patterns = {{
    {secret_text, secret_size, "the secret"},
    {secret_text, secret_size / 2, "the secret's first half"},
    {secret_text + secret_size / 2, secret_size - secret_size / 2, "the secret's second half"},
    {encoded_text, encoded_size, "the encoded secret"},
    {encoded_text, encoded_size / 2, "the encoded secret's first half"},
    {encoded_text + encoded_size / 2, encoded_size - encoded_size / 2,
     "the encoded secret's second half"},
    {short_secret_text, sizeof short_secret_text - 1, "the short secret"},
    // A moved-from small string keeps all but its first byte.
    {short_secret_text + 1, sizeof short_secret_text - 2, "the short secret's tail"},
    {short_secret_text, sizeof short_secret_text - 2, "the short secret's head"},
}};

std::atomic<bool> armed{false};
std::atomic<std::size_t> blocks_scanned{0};
std::atomic<std::size_t> blocks_with_secret{0};
// What the first unwiped blocks held and how large they were; no allocation in here.
std::array<std::atomic<const char*>, 8> found_what{};
std::array<std::atomic<std::size_t>, 8> found_size{};

void scan(const void* block, std::size_t size) noexcept {
  if (!armed.load(std::memory_order_acquire))
    return;
  blocks_scanned.fetch_add(1, std::memory_order_relaxed);
  for (const pattern& p : patterns) {
    if (memmem(block, size, p.data, p.size) != nullptr) {
      const std::size_t n = blocks_with_secret.fetch_add(1, std::memory_order_relaxed);
      if (n < found_what.size()) {
        found_what[n].store(p.name, std::memory_order_relaxed);
        found_size[n].store(size, std::memory_order_relaxed);
      }
      return;
    }
  }
}

// Every block carries a header (its size) in front, aligned for anything.
constexpr std::size_t header_size = alignof(std::max_align_t) > 16 ? alignof(std::max_align_t) : 16;

void* allocate(std::size_t size, std::size_t align = header_size) noexcept {
  const std::size_t header = align > header_size ? align : header_size;
  const std::size_t total = (size + header + align - 1) / align * align;
  void* raw = align > header_size ? std::aligned_alloc(align, total) : std::malloc(total);
  if (raw == nullptr)
    return nullptr;
  std::memcpy(raw, &size, sizeof size);
  auto* block = static_cast<unsigned char*>(raw) + header;
  std::memset(block, 0, size);
  return block;
}

// What malloc returned for a block: its header precedes it. The empty asm hides where the
// pointer came from: once GCC (12, -O3) has inlined the replaced operator new and delete into a
// caller, it sees only the caller's object, and reports reading the header in front of it as
// -Warray-bounds and giving it to free() as -Wmismatched-new-delete.
unsigned char* start_of(void* block, std::size_t align) noexcept {
  const std::size_t header = align > header_size ? align : header_size;
  auto* p = static_cast<unsigned char*>(block);
  asm("" : "+r"(p));
  return p - header;
}

std::size_t block_size(void* block, std::size_t align = header_size) noexcept {
  std::size_t size = 0;
  std::memcpy(&size, start_of(block, align), sizeof size);
  return size;
}

void release(void* block, std::size_t align = header_size) noexcept {
  if (block == nullptr)
    return;
  scan(block, block_size(block, align));
  std::free(start_of(block, align));
}

// OpenSSL's allocator: the same blocks.
void* openssl_malloc(std::size_t size, const char*, int) {
  return allocate(size == 0 ? 1 : size);
}
void openssl_free(void* block, const char*, int) {
  release(block);
}
void* openssl_realloc(void* block, std::size_t size, const char* file, int line) {
  if (block == nullptr)
    return openssl_malloc(size, file, line);
  if (size == 0) {
    openssl_free(block, file, line);
    return nullptr;
  }
  void* bigger = allocate(size);
  if (bigger == nullptr)
    return nullptr;
  const std::size_t old = block_size(block);
  std::memcpy(bigger, block, old < size ? old : size);
  release(block);  // the old block is scanned like any other
  return bigger;
}

// Before anything allocates through OpenSSL (its allocator can only be replaced first).
bool openssl_hooked = false;
__attribute__((constructor(101))) void hook_openssl() {
  openssl_hooked = CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free) == 1;
}

}  // namespace

// The replaceable global allocation functions.
void* operator new(std::size_t size) {
  if (void* p = allocate(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return ::operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return allocate(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  if (void* p = allocate(size == 0 ? 1 : size, static_cast<std::size_t>(align)))
    return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return ::operator new(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return allocate(size == 0 ? 1 : size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return allocate(size == 0 ? 1 : size, static_cast<std::size_t>(align));
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete(void* p, std::align_val_t align) noexcept {
  release(p, static_cast<std::size_t>(align));
}
void operator delete[](void* p, std::align_val_t align) noexcept {
  release(p, static_cast<std::size_t>(align));
}
void operator delete(void* p, std::size_t, std::align_val_t align) noexcept {
  release(p, static_cast<std::size_t>(align));
}
void operator delete[](void* p, std::size_t, std::align_val_t align) noexcept {
  release(p, static_cast<std::size_t>(align));
}
void operator delete(void* p, std::align_val_t align, const std::nothrow_t&) noexcept {
  release(p, static_cast<std::size_t>(align));
}
void operator delete[](void* p, std::align_val_t align, const std::nothrow_t&) noexcept {
  release(p, static_cast<std::size_t>(align));
}

namespace here::oauth {
using namespace here::oauth::detail;  // the signer and percent-encoding live in src/
namespace {

namespace fs = std::filesystem;
using test_support::temp_dir;
namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::string_view the_secret(secret_text, secret_size);

// Arms the check for one test; reports what it found.
class wipe_check : public ::testing::Test {
 protected:
  void SetUp() override {
    blocks_scanned = 0;
    blocks_with_secret = 0;
  }
  void arm() { armed.store(true, std::memory_order_release); }
  std::size_t disarm() {
    armed.store(false, std::memory_order_release);
    return blocks_with_secret.load();
  }
  std::string describe() const {
    std::string out;
    const std::size_t n = std::min(blocks_with_secret.load(), found_what.size());
    for (std::size_t i = 0; i < n; ++i) {
      out += "\n  a freed block of " + std::to_string(found_size[i].load()) + " bytes held " +
             found_what[i].load();
    }
    return out;
  }
};

// Makes the block at p observable: the compiler must assume the asm reads all memory through p,
// so it keeps the allocation and the bytes written into it. Without this, clang removes the
// control test's new[]/delete[] pair and the reserved string's allocation as unused (C++14
// [expr.new] lets a compiler omit a new-expression's call to a replaceable operator new, even a
// replaced one, and clang does so at -O1 and above), and the detector sees no block at all.
void keep(const void* p) {
  asm volatile("" : : "r"(p) : "memory");
}

// Writes a credentials file with POSIX calls from a stack buffer: no heap copy of the secret in
// the test itself.
fs::path write_credentials_file(const fs::path& dir, std::string_view endpoint) {
  std::array<char, 512> text{};
  const int n = std::snprintf(text.data(), text.size(),
                              "here.access.key.id = wipe-test-key-id\n"
                              "here.access.key.secret = %s\n"
                              "here.token.endpoint.url = %.*s\n",
                              secret_text, static_cast<int>(endpoint.size()), endpoint.data());
  const fs::path file = dir / "credentials.properties";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, text.data(), static_cast<std::size_t>(n)), n);
  ::close(fd);
  OPENSSL_cleanse(text.data(), text.size());
  return file;
}

TEST_F(wipe_check, TheDetectorSeesAnUnwipedCopy) {
  arm();
  {
    char* copy = new char[secret_size + 10];
    std::memcpy(copy + 5, secret_text, secret_size);
    keep(copy);
    delete[] copy;
  }
  {
    // A partial copy is caught too.
    std::string half;
    half.reserve(100);  // one heap block, not the small-string buffer
    half.append(the_secret.substr(secret_size / 2));
    keep(half.data());
  }
  EXPECT_EQ(disarm(), 2u) << describe();
  EXPECT_GT(blocks_scanned.load(), 0u);
}

TEST_F(wipe_check, OpenSslAllocationsAreWatchedToo) {
  ASSERT_TRUE(openssl_hooked) << "OpenSSL allocated before main: its blocks are not watched";
  arm();
  void* p = OPENSSL_malloc(secret_size);
  std::memcpy(p, secret_text, secret_size);
  OPENSSL_free(p);
  void* q = OPENSSL_malloc(secret_size);
  std::memcpy(q, secret_text, secret_size);
  OPENSSL_clear_free(q, secret_size);
  EXPECT_EQ(disarm(), 1u) << describe();
}

TEST_F(wipe_check, SecretStringCopiesMovesAndAssignmentsLeaveNothing) {
  arm();
  {
    secret_string a(the_secret);
    secret_string b(a);
    secret_string c;
    c = b;
    secret_string d(std::move(c));
    d = secret_string(the_secret);
    b = std::move(d);
    a.clear();
    std::string moved_in;  // one heap block, which the constructor wipes
    moved_in.reserve(100);
    moved_in.append(the_secret);
    secret_string e(std::move(moved_in));
  }
  EXPECT_EQ(disarm(), 0u) << describe();
}

TEST_F(wipe_check, ParsingCredentialsLeavesNothing) {
  // Long and short (small-string) secrets, with escapes and continuation lines.
  std::array<char, 512> text{};
  const int n =
      std::snprintf(text.data(), text.size(),
                    "here.user.id = u\nhere.client.id = c\nhere.access.key.id = id\n"
                    "here.access.key.secret = %.*s\\\n    %s\nx = 1\ny = 2\nz = 3\n",
                    static_cast<int>(secret_size / 2), secret_text, secret_text + secret_size / 2);
  arm();
  {
    credentials c =
        parse_credentials(std::string_view(text.data(), static_cast<std::size_t>(n)), "text");
    EXPECT_EQ(c.access_key_secret.reveal(), the_secret);
    credentials copy = c;
    credentials moved = std::move(copy);
  }
  EXPECT_EQ(disarm(), 0u) << describe();
  OPENSSL_cleanse(text.data(), text.size());
}

TEST_F(wipe_check, ParsingAShortSecretLeavesNothing) {
  // Entries after the secret's make the parser's vector grow, moving the small-string copy.
  std::array<char, 512> text{};
  const int n = std::snprintf(text.data(), text.size(),
                              "here.access.key.id = id\nhere.access.key.secret = %s\n"
                              "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 8\ni = 9\n",
                              short_secret_text);
  arm();
  {
    credentials c =
        parse_credentials(std::string_view(text.data(), static_cast<std::size_t>(n)), "text");
    EXPECT_EQ(c.access_key_secret.reveal(), short_secret_text);
  }
  EXPECT_EQ(disarm(), 0u) << describe();
  OPENSSL_cleanse(text.data(), text.size());
}

TEST_F(wipe_check, LoadingACredentialsFileLeavesNothing) {
  temp_dir dir;
  const fs::path file = write_credentials_file(dir.path(), "https://127.0.0.1:9/oauth2/token");
  arm();
  {
    credentials c = load_credentials(file);
    EXPECT_EQ(c.access_key_secret.reveal(), the_secret);
  }
  EXPECT_EQ(disarm(), 0u) << describe();
}

TEST_F(wipe_check, SigningLeavesNothing) {
  arm();
  {
    request_signer signer("wipe-test-key-id", secret_string(the_secret));
    const parameter_list body{{"grant_type", "client_credentials"}};
    for (int i = 0; i < 3; ++i)
      signer.sign("POST", "https://account.api.here.com/oauth2/token", body);
    signature_input in;
    in.url = "https://account.api.here.com/oauth2/token";
    in.body = &body;
    in.consumer_key = "wipe-test-key-id";
    in.consumer_secret = the_secret;
    in.nonce = "nonce";
    in.timestamp = 1;
    sign_request(in);
  }
  EXPECT_EQ(disarm(), 0u) << describe();
}

TEST_F(wipe_check, AProviderThatSignedRealRequestsLeavesNothing) {
  // The server knows a different secret: it answers 401300, and it never holds ours.
  test_support::server_options so;
  so.access_key_id = "wipe-test-key-id";
  so.access_key_secret = "the-server-side-secret-is-another-one";
  test_support::local_token_server server(so);
  temp_dir dir;
  const fs::path file = write_credentials_file(dir.path(), server.url());

  arm();
  {
    asio::io_context io;
    provider_options options;
    options.ca_file = server.ca_file();
    options.use_environment_proxy = false;
    options.retry.max_attempts = 2;
    options.retry.base_delay = 1ms;
    options.retry.max_delay = 2ms;
    {
      token_provider provider(io.get_executor(), load_credentials(file), options);
      boost::system::error_code got;
      provider.async_token([&](boost::system::error_code ec, access_token) { got = ec; });
      io.run_for(10s);
      EXPECT_EQ(got, make_error_code(error::signature_rejected));
    }
    io.restart();
    io.run();
  }
  EXPECT_EQ(disarm(), 0u) << describe();
  EXPECT_GE(server.request_count(), 1u);
}

}  // namespace
}  // namespace here::oauth

// SPDX-License-Identifier: Apache-2.0
#include "transport/system_trust_store.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace here::oauth::detail {
namespace {

bool is_hash_link_name(const char* name) {
  // <8 hex digits>.<digits>, e.g. "3513523f.0"
  int i = 0;
  for (; i < 8; ++i) {
    const char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  if (name[i++] != '.' || name[i] < '0' || name[i] > '9')
    return false;
  for (; name[i] != '\0'; ++i) {
    if (name[i] < '0' || name[i] > '9')
      return false;
  }
  return true;
}

bool has_hash_links(const std::string& directory) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory.c_str()), ::closedir);
  if (!dir)
    return false;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (is_hash_link_name(entry->d_name))
      return true;
  }
  return false;
}

using directory_list = std::vector<std::string>;

/// The lookup's own data: the directories it reads. (A store keeps one lookup per method.)
directory_list* directories_of(X509_LOOKUP* lookup) {
  return static_cast<directory_list*>(X509_LOOKUP_get_method_data(lookup));
}

void free_directories(X509_LOOKUP* lookup) {
  delete directories_of(lookup);
}

/// Adds the certificates of directory/<hash>.0, .1, ... whose subject is name to store, each
/// with its cached extension data filled first. Whether any was added.
bool add_matching_certificates(X509_STORE* store, const std::string& directory, unsigned long hash,
                               const X509_NAME* name) {
  bool added = false;
  for (int n = 0;; ++n) {
    char file_name[32];
    std::snprintf(file_name, sizeof file_name, "/%08lx.%d", hash, n);
    const std::string path = directory + file_name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)  // the end of the numbered links: no OpenSSL error
      break;
    BIO* bio = BIO_new_file(path.c_str(), "r");
    X509* certificate =
        bio != nullptr ? PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (certificate == nullptr)
      continue;  // unreadable or not PEM: skipped, as OpenSSL's lookup would
    if (X509_NAME_cmp(X509_get_subject_name(certificate), name) == 0) {
      X509_check_purpose(certificate, -1, 0);  // fill the caches while only we see it
      added = X509_STORE_add_cert(store, certificate) == 1 || added;  // a duplicate is fine
    }
    X509_free(certificate);
  }
  return added;
}

/// OpenSSL asks for the certificates of a subject: read <hash>.0, <hash>.1, ... of the directory
/// (as its own "hashed directory" lookup does), keep those whose subject is really that name, and
/// fill each one's cached extension data before adding it to the store, where other handshakes
/// can see it. Answers the store's object for the name.
int find_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name,
                    X509_OBJECT* out) {
  if (type != X509_LU_X509 || name == nullptr)
    return 0;
  const directory_list* directories = directories_of(lookup);
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  if (directories == nullptr || store == nullptr)
    return 0;
  int hash_ok = 0;
  const unsigned long hash = X509_NAME_hash_ex(name, nullptr, nullptr, &hash_ok);
  if (hash_ok == 0) {
    ERR_clear_error();
    return 0;
  }
  bool added = false;
  for (const std::string& directory : *directories)
    added = add_matching_certificates(store, directory, hash, name) || added;
  ERR_clear_error();  // what a skipped file left; never reported as the handshake's error
  if (!added)
    return 0;
  // The answer borrows the store's reference, as OpenSSL's own lookups' answers do: the caller
  // (X509_STORE_CTX_get_by_subject) takes a reference of its own and never releases this one.
  // X509_OBJECT_set1_X509 takes one, so it is given back at once; the store keeps the certificate
  // alive for as long as the context lives.
  X509_STORE_lock(store);
  X509_OBJECT* stored =
      X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, name);
  X509* certificate = stored != nullptr ? X509_OBJECT_get0_X509(stored) : nullptr;
  const int found = certificate != nullptr && X509_OBJECT_set1_X509(out, certificate) == 1;
  if (found)
    X509_free(certificate);
  X509_STORE_unlock(store);
  return found;
}

/// One method for the process: OpenSSL keeps a pointer to it in every lookup it makes.
X509_LOOKUP_METHOD* on_demand_method() {
  static X509_LOOKUP_METHOD* const method = [] {
    X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("here-oauth on-demand hashed directory");
    if (m != nullptr) {
      X509_LOOKUP_meth_set_get_by_subject(m, find_by_subject);
      X509_LOOKUP_meth_set_free(m, free_directories);
    }
    return m;
  }();
  return method;
}

}  // namespace

system_trust_paths find_system_trust_paths() {
  system_trust_paths paths;
  const char* file = std::getenv(X509_get_default_cert_file_env());
  paths.file_from_environment = file != nullptr && *file != '\0';
  paths.file = paths.file_from_environment ? file : X509_get_default_cert_file();
  const char* dirs = std::getenv(X509_get_default_cert_dir_env());
  const std::string list = dirs != nullptr && *dirs != '\0' ? dirs : X509_get_default_cert_dir();
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(':', start);
    if (end == std::string::npos)
      end = list.size();
    const std::string directory = list.substr(start, end - start);
    if (!directory.empty() && has_hash_links(directory))
      paths.hashed_directories.push_back(directory);
    start = end + 1;
  }
  return paths;
}

bool add_hashed_directories(SSL_CTX* ctx, const std::vector<std::string>& directories) {
  if (directories.empty())
    return false;
  X509_LOOKUP_METHOD* method = on_demand_method();
  X509_LOOKUP* lookup =
      method != nullptr ? X509_STORE_add_lookup(SSL_CTX_get_cert_store(ctx), method) : nullptr;
  if (lookup == nullptr)
    return false;
  if (directory_list* existing = directories_of(lookup)) {  // the store's one lookup of ours
    existing->insert(existing->end(), directories.begin(), directories.end());
    return true;
  }
  auto data = std::make_unique<directory_list>(directories);
  if (X509_LOOKUP_set_method_data(lookup, data.get()) != 1)
    return false;
  data.release();  // the lookup owns it now (free_directories)
  return true;
}

void add_system_trust_anchors(SSL_CTX* ctx, const system_trust_paths& paths) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  const bool lazy = add_hashed_directories(ctx, paths.hashed_directories);
  if (!lazy || paths.file_from_environment) {
    // Errors ignored as set_default_verify_paths ignores them: a missing bundle leaves no anchor.
    X509_STORE_load_file(store, paths.file.c_str());
  }
  ERR_clear_error();
}

}  // namespace here::oauth::detail

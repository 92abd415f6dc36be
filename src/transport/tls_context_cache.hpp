// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <memory>

#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/request_options.hpp>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace here::oauth::detail {

/// The TLS context for options, shared by every token client in the process whose TLS options
/// (use_system_trust_store, ca_file, ca_directory) are the same: the trust store is parsed once
/// per process, not once per provider (about 1 MB and 20-100 ms of CPU each). A ca_file that
/// changed on disk (size or modification time) gets a new context. Thread-safe; a context lives
/// while a client uses it. Errors as make_tls_context's.
std::shared_ptr<boost::asio::ssl::context> shared_tls_context(const request_options& options,
                                                              boost::system::error_code& ec,
                                                              error_details& details);

/// How many contexts shared_tls_context has built so far (for tests and benchmarks).
std::size_t tls_contexts_built() noexcept;

}  // namespace here::oauth::detail

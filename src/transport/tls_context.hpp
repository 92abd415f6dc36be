// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>

#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>
#include <here/oauth/request_options.hpp>

#include "transport/system_trust_store.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace here::oauth::detail {

/// A TLS client context for token requests: TLS 1.2 or newer, peer verification always on, trust
/// anchors from the system store at system_paths (unless use_system_trust_store is false; read
/// on demand, see system_trust_store.hpp) plus ca_file and ca_directory, which are loaded now.
/// On failure returns null with ec = invalid_option and a message naming the option or file.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const request_options& options,
                                                            const system_trust_paths& system_paths,
                                                            boost::system::error_code& ec,
                                                            error_details& details);

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "transport/token_client.hpp"

namespace here::oauth::detail {

/// Runs one token request over the built-in HTTPS transport for a valid client: resolve, connect
/// (directly or through the client's CONNECT proxy, proxy_tunnel.hpp), TLS handshake with SNI and
/// host name verification (tls_session.hpp), a freshly signed request written and its answer read
/// within the size limits (http_exchange.hpp), and a TLS shutdown after the handler has its
/// result. One deadline (request_timeout, from this call) covers every phase. All I/O runs on a
/// strand of ex; the handler completes through its associated executor (default ex), never
/// inside this call. The handler's cancellation slot aborts the request with operation_aborted.
void start_https_fetch(std::shared_ptr<token_client> client, boost::asio::any_io_executor ex,
                       std::chrono::seconds clock_offset, fetch_handler handler);

}  // namespace here::oauth::detail

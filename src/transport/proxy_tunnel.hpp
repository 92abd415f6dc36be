// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>

#include <here/oauth/error.hpp>

#include "credentials/endpoint.hpp"
#include "transport/proxy_settings.hpp"

namespace here::oauth::detail {

using tunnel_signature = void(boost::system::error_code, error_details);
using tunnel_handler = boost::asio::any_completion_handler<tunnel_signature>;

/// What a CONNECT asks for, besides the socket.
struct tunnel_request {
  const proxy_config* proxy = nullptr;  ///< the proxy the socket is connected to
  const endpoint* target = nullptr;     ///< where the tunnel goes: CONNECT host:port
  std::string_view user_agent;
  std::size_t max_header_bytes = 16 * 1024;  ///< for the proxy's answer
};

/// async_open_tunnel's compiled part (see below).
void async_open_tunnel_impl(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& buffer,
                            const tunnel_request& request, tunnel_handler handler);

/// Opens an HTTP CONNECT tunnel through the proxy that socket is connected to: writes
/// "CONNECT host:port" with Host, User-Agent and Proxy-Authorization (when the proxy has
/// credentials; the message holding them is dropped as soon as it is written) and reads the
/// proxy's answer header (within max_header_bytes) into buffer. Completes with:
/// - no error: a 2xx answer and nothing after it; the socket is now a byte stream to the target;
/// - error::proxy_error: the proxy refused (details.http_status is its status) or broke the
///   answer, or sent bytes after accepting;
/// - the write's own error code.
/// details.message names the proxy and the target, never the credentials. request's pointees must
/// outlive the operation. The handler's cancellation slot reaches the socket's I/O; closing the
/// socket ends the operation too (that is how the HTTPS transport's deadline does it).
/// Signature: void(error_code, error_details).
template <class CompletionToken>
auto async_open_tunnel(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& buffer,
                       const tunnel_request& request, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, tunnel_signature>(
      [](auto handler, boost::asio::ip::tcp::socket* s, boost::beast::flat_buffer* b,
         const tunnel_request& r) {
        async_open_tunnel_impl(*s, *b, r, tunnel_handler(std::move(handler)));
      },
      token, &socket, &buffer, request);
}

}  // namespace here::oauth::detail

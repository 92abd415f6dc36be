// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "transport/token_client.hpp"

namespace here::oauth::detail {

/// Runs one token request over the client's custom transport (request_options::transport): the
/// request is signed and built (protocol/token_request) and handed to the transport on a strand
/// of ex; its answer, posted back to that strand whatever thread or call it comes from, is
/// size-checked and parsed exactly as an HTTPS answer. request_timeout (from this call) and the
/// handler's cancellation slot complete the handler at once (error::timeout, operation_aborted)
/// and emit a terminal cancellation to the transport's handler. The handler completes through its
/// associated executor (default ex), never inside this call or the transport's.
void start_custom_fetch(std::shared_ptr<token_client> client, boost::asio::any_io_executor ex,
                        std::chrono::seconds clock_offset, fetch_handler handler);

}  // namespace here::oauth::detail

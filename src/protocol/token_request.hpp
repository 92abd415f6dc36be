// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

#include <here/oauth/http_transport.hpp>
#include <here/oauth/request_options.hpp>

#include "credentials/endpoint.hpp"
#include "signing/signer.hpp"

// The token request, without sockets: what HERE's token endpoint expects to receive.
namespace here::oauth::detail {

/// "here-oauth-cpp/<version>".
std::string default_user_agent();

/// The form parameters of a token request, in this order: grant_type=client_credentials, then
/// scope and expires_in when the options ask for them.
parameter_list token_request_parameters(const request_options& options);

/// A signed POST to ep.url with the headers Host, User-Agent, Accept, Content-Type, Authorization
/// (a fresh nonce and timestamp from signer, clock_offset added) and Content-Length, in this
/// order, and the form body: a plain value, as a custom transport gets it and as the HTTPS
/// transport writes it (adding Connection: close). Throws std::runtime_error when OpenSSL's HMAC
/// fails.
http_request make_token_request(const endpoint& ep, const request_signer& signer,
                                const request_options& options,
                                std::chrono::seconds clock_offset = {});

}  // namespace here::oauth::detail

// SPDX-License-Identifier: Apache-2.0
#pragma once

// The token endpoint's protocol, without sockets: what a token request looks like
// (token_request.hpp), and what an answer means (token_response.hpp).
#include "protocol/excerpt.hpp"
#include "protocol/token_request.hpp"
#include "protocol/token_response.hpp"

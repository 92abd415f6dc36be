// SPDX-License-Identifier: Apache-2.0
#pragma once

// Umbrella header of here-oauth-cpp. Includes no Beast, OpenSSL or Boost.JSON header.
#include <here/oauth/access_token.hpp>
#include <here/oauth/blocking_token_provider.hpp>
#include <here/oauth/credentials.hpp>
#include <here/oauth/error.hpp>
#include <here/oauth/fetch_token.hpp>
#include <here/oauth/file_token_store.hpp>
#include <here/oauth/http_transport.hpp>
#include <here/oauth/provider_options.hpp>
#include <here/oauth/request_options.hpp>
#include <here/oauth/secret_string.hpp>
#include <here/oauth/token_cache.hpp>
#include <here/oauth/token_provider.hpp>
#include <here/oauth/version.hpp>

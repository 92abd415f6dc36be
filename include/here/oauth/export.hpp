// SPDX-License-Identifier: Apache-2.0
#pragma once

/// Marks what the library exports. The library is built with hidden visibility
/// (-fvisibility=hidden -fvisibility-inlines-hidden), so a shared libhere_oauth exports the
/// declarations of these headers and nothing else: not Asio, Beast or OpenSSL code instantiated
/// inside it, not its internals. In a static build the mark changes nothing.
#if defined(_WIN32)
#define HERE_OAUTH_API
#else
#define HERE_OAUTH_API __attribute__((visibility("default")))
#endif

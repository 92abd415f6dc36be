// SPDX-License-Identifier: Apache-2.0
#pragma once

// here-token's run, once the command line is parsed: credentials → one token_provider → the
// token within --timeout → stdout, or one error line on stderr and the exit code.

#include <iosfwd>

#include <here/oauth/provider_options.hpp>

#include "arguments.hpp"
#include "diagnostics.hpp"
#include "exit_codes.hpp"

namespace here::oauth::cli {

/// The provider's options for these arguments: scope, requested lifetime, extra CA file, and a
/// per-request timeout of at most default_request_timeout, so a retry fits into --timeout.
/// (The event callback is run()'s own.)
provider_options provider_options_for(const options& args);

/// Loads the credentials (--credentials, or the default chain), asks one token_provider for a
/// token, cancelling it when args.timeout passes, and writes the token in args.format on out.
/// Every failure, warning and --verbose phase is one line on err; the secret is redacted from
/// them once the credentials are loaded. Never throws: an unexpected exception is one line on err
/// and exit_code::internal, as is a stdout that cannot be written.
exit_code run(const options& args, std::ostream& out, diagnostics& err);

}  // namespace here::oauth::cli

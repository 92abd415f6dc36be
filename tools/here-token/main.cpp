// SPDX-License-Identifier: Apache-2.0
// here-token: prints a HERE access token, the counterpart of `gcloud auth print-access-token`.
//
//   TOKEN=$(here-token --scope hrn:here:authorization::org1:project/p1)
//   here-token --format header | curl -H @- https://...
//
// arguments.* parses the command line, run.* gets the token, output.* and diagnostics.* say what
// happened on stdout and stderr, exit_codes.* maps failures to the exit status. Documented in
// docs/here-token.md.

#include <iostream>

#include "arguments.hpp"
#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  namespace cli = here::oauth::cli;
  cli::diagnostics err(std::cerr);
  try {
    const cli::parse_result parsed = cli::parse_options(argc, argv);
    if (!parsed.ok()) {
      err.line(parsed.error);
      return cli::to_int(cli::exit_code::usage);
    }
    if (parsed.value.help) {
      std::cout << cli::usage_text() << std::flush;
      return cli::to_int(cli::exit_code::success);
    }
    if (parsed.value.version) {
      std::cout << cli::version_line() << std::endl;
      return cli::to_int(cli::exit_code::success);
    }
    return cli::to_int(cli::run(parsed.value, std::cout, err));
  } catch (const std::exception& e) {
    err.line("unexpected error: " + cli::without_error_code_suffix(e.what()));
    return cli::to_int(cli::exit_code::internal);
  }
}

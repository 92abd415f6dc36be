# SPDX-License-Identifier: Apache-2.0
# here_oauth_set_warnings(<target>): the project's warning level, an error in CI (HERE_OAUTH_WERROR).
function(here_oauth_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(HERE_OAUTH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

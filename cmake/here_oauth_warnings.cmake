# SPDX-License-Identifier: Apache-2.0
# here_oauth_set_warnings(<target>): the project's warning level, an error in CI (HERE_OAUTH_WERROR).
function(here_oauth_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  # GCC 12 at -O3 reports -Wrestrict inside libstdc++ for `"literal" + std::string&&` (GCC bug
  # 105329, fixed in GCC 13): a false positive in the standard library's own code, which would
  # fail every Release build with -Werror and clutter the others.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(HERE_OAUTH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

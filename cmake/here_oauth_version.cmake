# SPDX-License-Identifier: Apache-2.0
# here/oauth/version.hpp, generated from project(VERSION) into the build tree: the version is
# written in one place only. The header is found through here_oauth's include directories (the
# build tree's while building, the installed include/ after cmake --install), so
# #include <here/oauth/version.hpp> works in-tree, installed and as a subproject.
set(HERE_OAUTH_GENERATED_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)
configure_file(${PROJECT_SOURCE_DIR}/include/here/oauth/version.hpp.in
               ${HERE_OAUTH_GENERATED_INCLUDE_DIR}/here/oauth/version.hpp @ONLY)

# here_oauth_use_generated_headers(<target>): <target> sees the generated headers while building.
function(here_oauth_use_generated_headers target)
  target_include_directories(${target} PUBLIC
                             $<BUILD_INTERFACE:${HERE_OAUTH_GENERATED_INCLUDE_DIR}>)
endfunction()

# SPDX-License-Identifier: Apache-2.0
# Install directories, run paths and whether to install at all; included before any target is
# created. The install rules themselves are in here_oauth_packaging.cmake.
include(GNUInstallDirs)

# A project that uses here-oauth-cpp through add_subdirectory or FetchContent does not install our
# headers, library, tools and package files with its own, unless it sets HERE_OAUTH_INSTALL=ON.
option(HERE_OAUTH_INSTALL "Install here-oauth-cpp (headers, library, tools, CMake and pkg-config files)"
       ${PROJECT_IS_TOP_LEVEL})
# For `cpack -G DEB`: Debian's layout (each package's copyright and changelog.Debian.gz in
# /usr/share/doc/<package>/). Needs CMAKE_INSTALL_PREFIX=/usr; scripts/check-packages sets both.
option(HERE_OAUTH_DEBIAN_PACKAGING "Install the files Debian packages need (cpack -G DEB)" OFF)

# A shared here_oauth (BUILD_SHARED_LIBS=ON) is found by the installed here-token and
# here-token-server through a relative run path, wherever the prefix is; not when the library
# directory is one the dynamic linker searches anyway (/usr/lib/<multiarch> for Debian's
# packages, where a run path is an error to lintian).
if(BUILD_SHARED_LIBS AND NOT DEFINED CMAKE_INSTALL_RPATH)
  list(FIND CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" _here_oauth_system_libdir)
  if(_here_oauth_system_libdir EQUAL -1)
    file(RELATIVE_PATH _here_oauth_bin_to_lib "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}")
    set(CMAKE_INSTALL_RPATH "$ORIGIN/${_here_oauth_bin_to_lib}")
  endif()
endif()

# SPDX-License-Identifier: Apache-2.0
# Dependencies come from Debian 12's archive. Boost must be 1.81: Debian's default 1.74 has no
# Boost.JSON or Boost.URL, and mixing the two versions' headers and libraries breaks at link time.
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)

find_package(Boost 1.81 CONFIG COMPONENTS json url)
if(NOT Boost_FOUND OR Boost_VERSION VERSION_LESS 1.81)
  message(FATAL_ERROR
    "here-oauth-cpp needs Boost 1.81 with Boost.JSON and Boost.URL (found: '${Boost_VERSION}').\n"
    "On Debian 12: apt-get install libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev\n"
    "(or run scripts/install-deps). Debian's default libboost-dev is 1.74, which lacks Boost.JSON.")
endif()

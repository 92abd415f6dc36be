# SPDX-License-Identifier: Apache-2.0
# CPACK_PROJECT_CONFIG_FILE: read by cpack for each generator. Debian packages need Debian's
# layout (the multiarch library directory under /usr, a copyright file and changelog in each
# package); from a build tree configured without it, cpack -G DEB would make packages that lintian
# rejects, so it stops and says how to configure instead.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_HERE_OAUTH_DEBIAN_PACKAGING)
  message(FATAL_ERROR
    "here-oauth-cpp: Debian packages need a build tree configured with\n"
    "  -DCMAKE_INSTALL_PREFIX=/usr -DHERE_OAUTH_DEBIAN_PACKAGING=ON (and usually -DBUILD_SHARED_LIBS=ON);\n"
    "scripts/check-packages builds them that way, in build-ci/packages/.")
endif()

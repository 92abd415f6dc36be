# SPDX-License-Identifier: Apache-2.0
# Every install rule of the project, the installed CMake package (here_oauth-config.cmake, version
# file), the pkg-config file, the manual pages and documentation, and CPack's Debian packages.
# Included at the end of the top-level CMakeLists.txt, once every target exists.
#
# Install components, one Debian package each (cpack -G DEB):
#   runtime  libhere-oauth<SOVERSION>  the shared library (BUILD_SHARED_LIBS=ON only)
#   dev      libhere-oauth-dev         headers, the static library or the .so link, CMake and
#                                      pkg-config files, the documentation
#   cli      here-token                the here-token command and its manual page
#   server   here-token-server         the local test token endpoint and its manual page
# Nothing is installed unless HERE_OAUTH_INSTALL is ON (the default for a top-level build only).
include(CMakePackageConfigHelpers)

set(HERE_OAUTH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/here_oauth)
get_target_property(_here_oauth_type here_oauth TYPE)
if(_here_oauth_type STREQUAL "STATIC_LIBRARY")
  set(HERE_OAUTH_PACKAGE_STATIC ON)
else()
  set(HERE_OAUTH_PACKAGE_STATIC OFF)
endif()
set(HERE_OAUTH_BOOST_VERSION 1.81)
set(HERE_OAUTH_OPENSSL_VERSION 3.0)

# The Debian package names. The runtime package is named after the library's SONAME
# (libhere_oauth.so.0.1 -> libhere-oauth0.1), as Debian's policy asks.
get_target_property(_here_oauth_soversion here_oauth SOVERSION)
set(HERE_OAUTH_DEB_RUNTIME libhere-oauth${_here_oauth_soversion})
set(HERE_OAUTH_DEB_DEV libhere-oauth-dev)
set(HERE_OAUTH_DEB_CLI here-token)
set(HERE_OAUTH_DEB_SERVER here-token-server)

# The release date of this version in CHANGELOG.md ("## [X.Y.Z] - YYYY-MM-DD"), for the manual
# pages; empty while the version is not released there (the ctest version_matches_changelogs
# fails then).
file(STRINGS ${PROJECT_SOURCE_DIR}/CHANGELOG.md _here_oauth_release_line
     REGEX "^## \\[${PROJECT_VERSION}\\] - [0-9-]+$")
string(REGEX REPLACE ".* - " "" HERE_OAUTH_RELEASE_DATE "${_here_oauth_release_line}")
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/CHANGELOG.md ${PROJECT_SOURCE_DIR}/packaging/debian/changelog)

# here_oauth_gzip(<input> <output>): gzip -9n (no name, no time stamp: the same bytes every
# time), at configure time; the input is a configure dependency.
function(here_oauth_gzip input output)
  get_filename_component(_dir ${output} DIRECTORY)
  file(MAKE_DIRECTORY ${_dir})
  execute_process(COMMAND gzip -9nc ${input} OUTPUT_FILE ${output} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "gzip ${input} failed: ${_rc}")
  endif()
  set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${input})
endfunction()

# Manual pages: packaging/man/*.1.in with the version and release date filled in, gzipped.
set(_here_oauth_man_dir ${PROJECT_BINARY_DIR}/man)
foreach(_page here-token here-token-server)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/man/${_page}.1.in ${_here_oauth_man_dir}/${_page}.1
                 @ONLY)
  here_oauth_gzip(${_here_oauth_man_dir}/${_page}.1 ${_here_oauth_man_dir}/${_page}.1.gz)
endforeach()

if(HERE_OAUTH_INSTALL)
  if(HERE_OAUTH_DEBIAN_PACKAGING AND NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(FATAL_ERROR "HERE_OAUTH_DEBIAN_PACKAGING=ON needs -DCMAKE_INSTALL_PREFIX=/usr (Debian's "
                        "multiarch library directory comes from it), not '${CMAKE_INSTALL_PREFIX}'")
  endif()

  # The library, its headers (with the generated version.hpp) and the exported target here::oauth.
  set_target_properties(here_oauth PROPERTIES EXPORT_NAME oauth)
  install(TARGETS here_oauth EXPORT here_oauth-targets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ ${HERE_OAUTH_GENERATED_INCLUDE_DIR}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev FILES_MATCHING PATTERN "*.hpp")
  install(EXPORT here_oauth-targets NAMESPACE here:: DESTINATION ${HERE_OAUTH_CMAKE_DIR}
          COMPONENT dev)

  # The tools, only when they are built as tools (the tests build here-token-server too).
  if(HERE_OAUTH_BUILD_TOOLS AND TARGET here-token)
    install(TARGETS here-token RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
    install(FILES ${_here_oauth_man_dir}/here-token.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
            COMPONENT cli)
  endif()
  if(HERE_OAUTH_BUILD_TOOLS AND TARGET here-token-server)
    install(TARGETS here-token-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
    install(FILES ${_here_oauth_man_dir}/here-token-server.1.gz
            DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
  endif()

  # The CMake package.
  configure_package_config_file(
    ${CMAKE_CURRENT_LIST_DIR}/here_oauth-config.cmake.in
    ${PROJECT_BINARY_DIR}/here_oauth-config.cmake
    INSTALL_DESTINATION ${HERE_OAUTH_CMAKE_DIR})
  write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/here_oauth-config-version.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/here_oauth-config.cmake
                ${PROJECT_BINARY_DIR}/here_oauth-config-version.cmake
          DESTINATION ${HERE_OAUTH_CMAKE_DIR} COMPONENT dev)

  # pkg-config: relocatable (the prefix is found from the .pc file's own directory).
  set(_here_oauth_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  file(RELATIVE_PATH HERE_OAUTH_PC_TO_PREFIX "/${_here_oauth_pc_dir}" "/")
  string(REGEX REPLACE "/$" "" HERE_OAUTH_PC_TO_PREFIX "${HERE_OAUTH_PC_TO_PREFIX}")
  if(HERE_OAUTH_PACKAGE_STATIC)
    # A plain `pkg-config --libs here_oauth` must link a static library: its dependencies go into
    # Libs and Requires, not only into the .private fields.
    set(HERE_OAUTH_PC_REQUIRES "Requires: openssl >= 3.0")
    set(HERE_OAUTH_PC_LIBS "-lboost_json -lboost_url -pthread")
    set(HERE_OAUTH_PC_LIBS_PRIVATE "")
  else()
    set(HERE_OAUTH_PC_REQUIRES "Requires.private: openssl >= 3.0")
    set(HERE_OAUTH_PC_LIBS "-pthread")
    set(HERE_OAUTH_PC_LIBS_PRIVATE "Libs.private: -lboost_json -lboost_url")
  endif()
  configure_file(${CMAKE_CURRENT_LIST_DIR}/here_oauth.pc.in ${PROJECT_BINARY_DIR}/here_oauth.pc
                 @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/here_oauth.pc DESTINATION ${_here_oauth_pc_dir}
          COMPONENT dev)

  # Documentation: with the development files.
  set(_here_oauth_docs ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/SECURITY.md)
  file(GLOB _here_oauth_doc_pages ${PROJECT_SOURCE_DIR}/docs/*.md)
  if(HERE_OAUTH_DEBIAN_PACKAGING)
    # Debian: /usr/share/doc/<package>/ of each package holds its copyright file (the license is
    # in /usr/share/common-licenses) and changelog.Debian.gz; the upstream changelog is
    # changelog.gz in the -dev package's.
    set(_here_oauth_deb_dir ${PROJECT_BINARY_DIR}/debian)
    here_oauth_gzip(${PROJECT_SOURCE_DIR}/packaging/debian/changelog
                    ${_here_oauth_deb_dir}/changelog.Debian.gz)
    here_oauth_gzip(${PROJECT_SOURCE_DIR}/CHANGELOG.md ${_here_oauth_deb_dir}/changelog.gz)
    set(_here_oauth_doc_root ${CMAKE_INSTALL_DATAROOTDIR}/doc)
    foreach(_component runtime dev cli server)
      string(TOUPPER ${_component} _upper)
      install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
                    ${_here_oauth_deb_dir}/changelog.Debian.gz
              DESTINATION ${_here_oauth_doc_root}/${HERE_OAUTH_DEB_${_upper}} COMPONENT ${_component})
    endforeach()
    install(FILES ${_here_oauth_docs} ${_here_oauth_doc_pages} ${_here_oauth_deb_dir}/changelog.gz
            DESTINATION ${_here_oauth_doc_root}/${HERE_OAUTH_DEB_DEV} COMPONENT dev)
  else()
    install(FILES ${_here_oauth_docs} ${_here_oauth_doc_pages} ${PROJECT_SOURCE_DIR}/LICENSE
                  ${PROJECT_SOURCE_DIR}/CHANGELOG.md
            DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
  endif()
endif()

# `cpack -G DEB` in the build directory: one package per component (see the top of this file).
# Configure with -DCMAKE_INSTALL_PREFIX=/usr -DHERE_OAUTH_DEBIAN_PACKAGING=ON (and usually
# -DBUILD_SHARED_LIBS=ON) for packages that lintian accepts; scripts/check-packages does.
if(PROJECT_IS_TOP_LEVEL AND HERE_OAUTH_INSTALL)
  # The Debian revision comes from packaging/debian/changelog's first line: "here-oauth-cpp
  # (<upstream>-<revision>) ...". Its upstream part must be PROJECT_VERSION (a ctest checks it).
  file(STRINGS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog _here_oauth_deb_head LIMIT_COUNT 1)
  set(HERE_OAUTH_DEB_REVISION 1)
  if(_here_oauth_deb_head MATCHES "^[a-z0-9.+-]+ \\(([^)-]+)-([^)]+)\\)")
    set(HERE_OAUTH_DEB_REVISION ${CMAKE_MATCH_2})
  endif()

  set(CPACK_PACKAGE_NAME here-oauth-cpp)
  set(CPACK_PACKAGE_VENDOR "here-oauth-cpp")
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  # CPack puts a summary other than its default before each component's own description, whose
  # first line is that package's synopsis (lintian: description-synopsis-is-duplicated); and it
  # would take project(DESCRIPTION) otherwise.
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
  set(CPACK_PACKAGE_CONTACT "here-oauth-cpp maintainers <maintainers@here-oauth-cpp.invalid>")
  set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
  set(CPACK_STRIP_FILES ON)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_GENERATOR DEB)
  set(CPACK_SOURCE_GENERATOR TGZ)
  set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")

  set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/here_oauth_cpack_project_config.cmake)
  set(CPACK_HERE_OAUTH_DEBIAN_PACKAGING ${HERE_OAUTH_DEBIAN_PACKAGING})
  set(CPACK_DEB_COMPONENT_INSTALL ON)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_PACKAGE_RELEASE ${HERE_OAUTH_DEB_REVISION})
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
  set(CPACK_DEBIAN_PACKAGE_SOURCE here-oauth-cpp)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  # Run-time dependencies from dpkg-shlibdeps; it finds our own library in the build tree (the
  # packages that need it also depend on it by name, below).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  get_target_property(_here_oauth_binary_dir here_oauth BINARY_DIR)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${_here_oauth_binary_dir})
  # Each package depends on the exact version of the others it needs.
  set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

  # Descriptions: a synopsis, then lines without leading spaces, an empty line between paragraphs;
  # CPack indents them as Debian's control file wants.
  set(_here_oauth_long
      "here-oauth-cpp gets, caches and refreshes HERE platform access tokens for\n"
      "C++ services built on Boost.Asio: one shared request per refresh, proactive\n"
      "refresh ahead of expiry, retries with jittered backoff, verified TLS only.\n\n")
  string(CONCAT CPACK_DEBIAN_RUNTIME_DESCRIPTION
         "asynchronous C++20 client for HERE's OAuth token service\n" ${_here_oauth_long}
         "This package holds the shared library.")
  string(CONCAT CPACK_DEBIAN_DEV_DESCRIPTION
         "asynchronous C++20 client for HERE's OAuth token service (development files)\n"
         ${_here_oauth_long}
         "This package holds the headers, the CMake package (find_package(here_oauth),\n"
         "target here::oauth), the pkg-config file and the documentation.")
  string(CONCAT CPACK_DEBIAN_CLI_DESCRIPTION
         "print a HERE platform access token\n"
         "here-token asks HERE's OAuth 2.0 token service for an access token and\n"
         "prints it (bare, as an Authorization header, or as JSON), as\n"
         "gcloud auth print-access-token does for Google Cloud. It uses the\n"
         "here-oauth-cpp library: the same credentials chain, request signing, TLS\n"
         "verification and retries as a C++ service using it.")
  string(CONCAT CPACK_DEBIAN_SERVER_DESCRIPTION
         "HERE-compatible OAuth token endpoint on loopback, for tests\n"
         "here-token-server behaves like HERE's token endpoint: it verifies signed\n"
         "token requests as HERE does and answers with tokens or HERE's error codes.\n"
         "It lets HERE clients be tested without HERE credentials or network access.\n"
         "It is a test tool: it listens on loopback only, with a throwaway CA.")

  foreach(_component runtime dev cli server)
    string(TOUPPER ${_component} _upper)
    set(CPACK_DEBIAN_${_upper}_PACKAGE_NAME ${HERE_OAUTH_DEB_${_upper}})
  endforeach()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
  set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
  set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
  set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION devel)
  # The shlibs file (other packages' dpkg-shlibdeps find libhere-oauth0.1 through it) and the
  # ldconfig trigger. With postinst and postrm of its own, CPack writes none that call ldconfig.
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_GENERATE_SHLIBS ON)
  set(_here_oauth_control ${PROJECT_BINARY_DIR}/debian/runtime-control)
  foreach(_file triggers postinst postrm)
    configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/libhere-oauth.${_file}
                   ${_here_oauth_control}/${_file} COPYONLY)
  endforeach()
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
      ${_here_oauth_control}/triggers ${_here_oauth_control}/postinst ${_here_oauth_control}/postrm)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
  set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
  # What building against the headers needs: Boost 1.81 (Asio in the public headers; JSON and URL
  # for a static library) and OpenSSL's headers and link library.
  set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
      "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev")
  set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "pkgconf")

  set(CPACK_COMPONENTS_ALL dev)
  if(NOT HERE_OAUTH_PACKAGE_STATIC)
    list(PREPEND CPACK_COMPONENTS_ALL runtime)
  endif()
  if(HERE_OAUTH_BUILD_TOOLS AND TARGET here-token)
    list(APPEND CPACK_COMPONENTS_ALL cli)
  endif()
  if(HERE_OAUTH_BUILD_TOOLS AND TARGET here-token-server)
    list(APPEND CPACK_COMPONENTS_ALL server)
  endif()
  include(CPack)
  cpack_add_component(runtime DISPLAY_NAME "Shared library")
  if(HERE_OAUTH_PACKAGE_STATIC)
    cpack_add_component(dev DISPLAY_NAME "Development files")
    cpack_add_component(cli DISPLAY_NAME "here-token")
    cpack_add_component(server DISPLAY_NAME "here-token-server")
  else()
    cpack_add_component(dev DISPLAY_NAME "Development files" DEPENDS runtime)
    cpack_add_component(cli DISPLAY_NAME "here-token" DEPENDS runtime)
    cpack_add_component(server DISPLAY_NAME "here-token-server" DEPENDS runtime)
  endif()
endif()

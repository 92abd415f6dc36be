# The installed CMake package (here_oauth-config.cmake, version file), the pkg-config file, the
# documentation files, and CPack's Debian package. Included at the end of the top-level
# CMakeLists.txt; src/CMakeLists.txt installs the library, the headers and the export set.
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

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/here_oauth-config.cmake.in
  ${PROJECT_BINARY_DIR}/here_oauth-config.cmake
  INSTALL_DESTINATION ${HERE_OAUTH_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/here_oauth-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/here_oauth-config.cmake
              ${PROJECT_BINARY_DIR}/here_oauth-config-version.cmake
        DESTINATION ${HERE_OAUTH_CMAKE_DIR})

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
install(FILES ${PROJECT_BINARY_DIR}/here_oauth.pc DESTINATION ${_here_oauth_pc_dir})

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

# `cpack -G DEB` in the build directory: one package with the CLI, here-token-server, the
# library, its headers and the CMake and pkg-config files.
if(PROJECT_IS_TOP_LEVEL)
  set(CPACK_PACKAGE_NAME here-oauth-cpp)
  set(CPACK_PACKAGE_VENDOR "here-oauth-cpp")
  set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
      "Asynchronous C++20 client for HERE's OAuth token service, and the here-token CLI")
  set(CPACK_PACKAGE_CONTACT "here-oauth-cpp maintainers <maintainers@here-oauth-cpp.invalid>")
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
  string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
         "here-oauth-cpp gets, caches and refreshes HERE platform access tokens for C++\n"
         "services built on Boost.Asio: one shared request per refresh, proactive refresh\n"
         "ahead of expiry, retries with jittered backoff, verified TLS only.\n"
         "This package holds the here-token command (print a HERE access token), the\n"
         "here-token-server test endpoint, the library, its headers, and its CMake and\n"
         "pkg-config files.")
  set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  # The programs' run-time libraries (Debian 12 names). Building against the library needs
  # the -dev packages, recommended.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, libssl3 (>= 3.0), libboost-json1.81.0, libboost-url1.81.0")
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
      "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libssl-dev, pkg-config")
  set(CPACK_GENERATOR DEB)
  set(CPACK_SOURCE_GENERATOR TGZ)
  set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/" "/\\\\.cache/")
  include(CPack)
endif()

# Install directories and run paths; included before any target is created.
include(GNUInstallDirs)

# A shared here_oauth (BUILD_SHARED_LIBS=ON) is found by the installed here-token and
# here-token-server through a relative run path, wherever the prefix is.
if(BUILD_SHARED_LIBS AND NOT DEFINED CMAKE_INSTALL_RPATH)
  file(RELATIVE_PATH _here_oauth_bin_to_lib "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_LIBDIR}")
  set(CMAKE_INSTALL_RPATH "$ORIGIN/${_here_oauth_bin_to_lib}")
endif()

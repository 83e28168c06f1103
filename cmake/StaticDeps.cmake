# One self-contained skiff binary: third-party libraries (OpenSSL, SQLite, RE2, yaml-cpp, zlib,
# libxcrypt, gRPC/protobuf/abseil, jemalloc, libstdc++) are linked from their static archives.
# Loading and relocating ~60 shared libraries cost every skiff process ~6 MiB of RSS and most
# of its startup time (`skiff version`: 16 -> 10 MiB; `skiff chart template` of the largest
# corpus chart: 25 -> 19 MiB). The binary stays position-independent. Sanitizer and fuzzer
# builds keep shared libraries.
if(SKIFF_SANITIZE OR SKIFF_FUZZ OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(skiff_static_default OFF)
else()
  set(skiff_static_default ON)
endif()
option(SKIFF_STATIC_DEPS "Link third-party libraries statically" ${skiff_static_default})
if(SKIFF_STATIC_DEPS)
  # Must precede every find_package/find_library: archives are preferred where both exist.
  set(CMAKE_FIND_LIBRARY_SUFFIXES .a .so)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(ZLIB_USE_STATIC_LIBS ON)
  add_link_options(-static-libstdc++ -static-libgcc)
endif()

# yaml-cpp's CMake package names its shared library; the archive is found directly.
function(skiff_link_yaml_cpp target)
  if(SKIFF_STATIC_DEPS)
    find_library(SKIFF_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a)
  endif()
  if(SKIFF_STATIC_DEPS AND SKIFF_YAML_CPP_ARCHIVE)
    target_link_libraries(${target} PRIVATE ${SKIFF_YAML_CPP_ARCHIVE})
  else()
    target_link_libraries(${target} PRIVATE yaml-cpp)
  endif()
endfunction()

# One self-contained skiff binary: third-party libraries (OpenSSL, SQLite, RE2, zlib,
# libxcrypt, gRPC/protobuf/abseil, jemalloc, libstdc++) are linked from their static archives.
# Loading and relocating ~60 shared libraries cost every skiff process ~6 MiB of RSS and most
# of its startup time (`skiff version`: 16 -> 10 MiB; `skiff chart template` of the largest
# corpus chart: 25 -> 19 MiB). Sanitizer and fuzzer
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


# The skiff binary's code is laid out for the few pages each command touches:
#  - not position-independent (as Go builds kubelet, kube-apiserver and helm): no 1.2 MiB of
#    relocation records to read and no relocated read-only data to dirty at every start;
#  - input sections sorted by name, which groups the template instantiations that the linker
#    otherwise keeps in whichever object first used them (std::, nlohmann::, skiff::chart::...),
#    so a command faults in fewer, denser runs of code.
# `skiff chart template` of the wordpress chart: 19.4 -> ~16.5 MiB peak RSS.
function(skiff_lean_executable target)
  if(SKIFF_STATIC_DEPS)
    target_link_options(${target} PRIVATE -no-pie -Wl,--sort-section=name)
  endif()
endfunction()

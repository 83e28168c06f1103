# One self-contained skiff binary: third-party libraries (OpenSSL, SQLite, RE2, zlib,
# libxcrypt, gRPC/protobuf/abseil, jemalloc, libstdc++, and glibc for the skiff executable) are
# linked from their static archives.
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
#  - every function in a section of its own, and the functions short-lived commands run placed
#    first and together, in the order cmake/skiff.symbol-order lists them
#    (scripts/gen-symbol-order.sh records them). A page fault maps the 64 KiB around it, so
#    code scattered over the 20 MB of text costs several times its size in RSS and faults:
#    `skiff chart template` of the wordpress chart touches 1.7 MB of functions but faulted in
#    7.3 MiB of code before. lld reads the order file; without lld, input sections are only
#    sorted by name, which at least groups template instantiations by namespace.
if(SKIFF_STATIC_DEPS)
  add_compile_options(-ffunction-sections)
  find_program(SKIFF_LLD ld.lld)
  if(NOT SKIFF_LLD)
    message(WARNING "ld.lld not found (Debian package lld): skiff links without its symbol order")
  endif()
endif()
set(SKIFF_SYMBOL_ORDER ${CMAKE_SOURCE_DIR}/cmake/skiff.symbol-order)
function(skiff_lean_executable target)
  if(NOT SKIFF_STATIC_DEPS)
    return()
  endif()
  # Fully static, glibc included: nothing for ld.so to load and relocate at each start (a third
  # of `skiff version`'s instructions), and glibc's functions join the symbol order. glibc 2.34+
  # resolves hosts and users from /etc files and DNS without loading NSS modules.
  target_link_options(${target} PRIVATE -no-pie -static)
  if(SKIFF_LLD)
    target_link_options(${target} PRIVATE -fuse-ld=lld -Wl,--symbol-ordering-file=${SKIFF_SYMBOL_ORDER}
                        -Wl,--no-warn-symbol-ordering)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${SKIFF_SYMBOL_ORDER})
  else()
    target_link_options(${target} PRIVATE -Wl,--sort-section=name)
  endif()
endfunction()

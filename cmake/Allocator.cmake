# The server allocates and frees many small JSON nodes from many threads; glibc's malloc spends
# a quarter of the control plane's time in malloc/free/consolidate there and keeps freed memory
# fragmented. jemalloc measured ~25% more pods scheduled per second and lower RSS
# (bench/workloads_bench.cc, side by side). Sanitized builds keep ASan's allocator.
find_library(SKIFF_JEMALLOC_LIBRARY NAMES jemalloc)

function(skiff_use_server_allocator target)
  if(SKIFF_JEMALLOC_LIBRARY AND NOT SKIFF_SANITIZE)
    target_link_libraries(${target} PRIVATE ${SKIFF_JEMALLOC_LIBRARY})
  endif()
endfunction()

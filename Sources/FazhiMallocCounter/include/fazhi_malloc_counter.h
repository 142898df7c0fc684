#ifndef FAZHI_MALLOC_COUNTER_H
#define FAZHI_MALLOC_COUNTER_H

/// Heap allocations made by the process so far (malloc, calloc, realloc and the aligned
/// allocators), or -1 where counting is not supported (anything but Linux with glibc).
long long fazhi_malloc_count(void);

#endif

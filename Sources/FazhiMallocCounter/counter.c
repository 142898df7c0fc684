// Counts heap allocations for fazhi-bench, so it can print how many a calendar lookup makes.
// On Linux with glibc, the executable's own malloc family takes precedence over libc's for the
// whole process; each wrapper counts and forwards to glibc's __libc_* entry points. Only the
// benchmark links this target.
#include "fazhi_malloc_counter.h"
#include <errno.h>  // defines __GLIBC__ on glibc systems

#if defined(__linux__) && defined(__GLIBC__)
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic long long allocations;

// Kept through the release link's dead-stripping and exported, so shared libraries bind to them.
#define EXPORTED __attribute__((used, retain, visibility("default")))

static inline void counted(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

EXPORTED void *malloc(size_t size) { counted(); return __libc_malloc(size); }
EXPORTED void free(void *pointer) { __libc_free(pointer); }
EXPORTED void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
EXPORTED void *realloc(void *pointer, size_t size) { counted(); return __libc_realloc(pointer, size); }
EXPORTED void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
EXPORTED void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
EXPORTED int posix_memalign(void **out, size_t alignment, size_t size) {
    counted();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *out = pointer;
    return 0;
}

long long fazhi_malloc_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
#else
long long fazhi_malloc_count(void) { return -1; }
#endif

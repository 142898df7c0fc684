// Counts a process's heap allocations, for scripts/bench/allocations_per_request.py: built as a
// shared library and preloaded (LD_PRELOAD) into `fazhi serve`. Each wrapper counts and forwards to
// glibc's __libc_* entry points. On SIGUSR2 the count so far is written to the file named by
// FAZHI_ALLOCATION_COUNT_FILE. A bench tool only: the platform never loads it.
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic long long allocations;
static char path[4096];

static inline void counted(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void free(void *pointer) { __libc_free(pointer); }
void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { counted(); return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    counted();
    *result = __libc_memalign(alignment, size);
    return *result ? 0 : 12;  // ENOMEM
}

static void write_count(int signal_number) {
    (void)signal_number;
    char text[32];
    int length = snprintf(text, sizeof text, "%lld\n", (long long)atomic_load(&allocations));
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (file >= 0) {
        (void)!write(file, text, (size_t)length);
        close(file);
    }
}

__attribute__((constructor)) static void install(void) {
    const char *named = getenv("FAZHI_ALLOCATION_COUNT_FILE");
    if (!named) return;
    snprintf(path, sizeof path, "%s", named);
    signal(SIGUSR2, write_count);
}

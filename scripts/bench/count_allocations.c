// The signal half of the allocation counter that scripts/bench/allocations_per_request.py preloads
// (LD_PRELOAD) into `fazhi serve`. The counting half is the benchmark's own counter
// (Sources/FazhiMallocCounter/counter.c: the malloc family, counted and forwarded to glibc), built
// into the same shared library. On SIGUSR2 the count so far is written to the file named by
// FAZHI_ALLOCATION_COUNT_FILE. A bench tool only: the platform never loads it.
#include "fazhi_malloc_counter.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[4096];

static void write_count(int signal_number) {
    (void)signal_number;
    char text[32];
    int length = snprintf(text, sizeof text, "%lld\n", fazhi_malloc_count());
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

#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H

/// Number of heap allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign)
/// made by the whole process so far. The counting versions of those functions are defined in this
/// target and, being in the executable, take the place of glibc's for every library.
unsigned long mc_allocation_count(void);

#endif

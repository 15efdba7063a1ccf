#ifndef H2RPC_CPROFILER_H
#define H2RPC_CPROFILER_H
// The async-signal-safe part of H2RPCProfiling's CPU profiler.
//
// setitimer(ITIMER_PROF) sends SIGPROF each time the process has used one period of CPU time; the
// handler records the interrupted thread's stack with glibc's backtrace() into a slot of a buffer
// allocated before the timer is armed (no allocation, no lock in the handler: a slot is taken with an
// atomic increment). One profile at a time per process.

#include <stddef.h>
#include <stdint.h>

/// Deepest stack a sample keeps (the frames nearest the leaf are kept).
#define H2RPC_PROFILER_MAX_DEPTH 64

/// Allocates room for `capacity` samples, installs the SIGPROF handler (once per process; it stays
/// installed and ignores signals while no profile runs, so that a late SIGPROF never takes the
/// default action, which ends the process) and arms the timer at `hz` samples per CPU-second.
/// Returns 0, EBUSY when a profile is already running, EINVAL for a bad argument, ENOMEM, or the
/// errno of sigaction/setitimer.
int h2rpc_profiler_start(int hz, size_t capacity);

/// Disarms the timer and waits for handlers still running to finish; the samples stay readable
/// until h2rpc_profiler_release(). Does nothing when no profile runs.
void h2rpc_profiler_stop(void);

/// Samples recorded (at most the capacity).
size_t h2rpc_profiler_sample_count(void);

/// Samples that did not fit into the buffer.
size_t h2rpc_profiler_dropped_count(void);

/// Copies sample `index`'s stack (leaf first, the handler's own frames removed) into `frames`
/// (room for H2RPC_PROFILER_MAX_DEPTH) and the interrupted thread's id (gettid) into `thread`;
/// returns the frame count, or -1 when the slot was not completed. Only after h2rpc_profiler_stop().
int h2rpc_profiler_sample(size_t index, uintptr_t *frames, int *thread);

/// The calling thread's id (gettid), as samples record it.
int h2rpc_profiler_current_thread(void);

/// Frees the buffer and lets the next profile start.
void h2rpc_profiler_release(void);

/// What dladdr knows about an address.
typedef struct {
    /// The object's path ("" when unknown) and load address.
    const char *object;
    uintptr_t object_base;
    /// The nearest dynamic symbol at or below the address (NULL when none) and its address.
    const char *symbol;
    uintptr_t symbol_address;
} h2rpc_profiler_symbol;

/// dladdr(address); returns 0 when nothing is known.
int h2rpc_profiler_lookup(uintptr_t address, h2rpc_profiler_symbol *out);

/// The load bias (link_map l_addr) of the object `address` is in: a symbol's value in that object's
/// file plus the bias is its address in the process. Returns 0 when no loaded object holds it.
int h2rpc_profiler_load_bias(uintptr_t address, uintptr_t *bias);

/// The function symbols of an ELF file (its .symtab, or .dynsym when it has none), mapped read-only.
typedef struct h2rpc_elf_symbols h2rpc_elf_symbols;

/// Maps `path` and finds its symbol table; NULL when it cannot be read or is not a 64-bit ELF file
/// with one.
h2rpc_elf_symbols *h2rpc_elf_symbols_open(const char *path);

/// Symbol table entries (functions and others).
size_t h2rpc_elf_symbols_count(const h2rpc_elf_symbols *symbols);

/// Entry `index` when it is a defined function with a size: its file address, size and name (valid
/// until h2rpc_elf_symbols_close); returns 0 for other entries.
int h2rpc_elf_symbol(const h2rpc_elf_symbols *symbols, size_t index, uintptr_t *start, uintptr_t *size, const char **name);

/// Unmaps the file.
void h2rpc_elf_symbols_close(h2rpc_elf_symbols *symbols);

/// The Swift runtime's demangling of `mangled` (malloc'd, free with h2rpc_profiler_free), or NULL
/// when it is not a Swift name or the runtime's swift_demangle cannot be found.
char *h2rpc_profiler_demangle(const char *mangled);

/// free(3) for h2rpc_profiler_demangle's result.
void h2rpc_profiler_free(char *p);

#endif

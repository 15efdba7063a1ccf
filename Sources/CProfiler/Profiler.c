#define _GNU_SOURCE
#include "CProfiler.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/// Frames backtrace() reports for the handler itself and the kernel's signal trampoline.
#define HANDLER_FRAMES 2

typedef struct {
    atomic_int ready;
    int depth;
    int thread;
    void *frames[H2RPC_PROFILER_MAX_DEPTH + HANDLER_FRAMES];
} sample_slot;

static pthread_mutex_t control = PTHREAD_MUTEX_INITIALIZER;
static sample_slot *slots;
static size_t slot_capacity;
static atomic_size_t next_slot;
static atomic_size_t dropped;
static atomic_int enabled;
static atomic_int handlers_running;
static int handler_installed;
/// 0: idle; 1: armed; 2: stopped, samples not yet released.
static int phase;

static void on_sigprof(int signo, siginfo_t *info, void *context) {
    (void)signo; (void)info; (void)context;
    int saved = errno;
    atomic_fetch_add(&handlers_running, 1);
    if (atomic_load(&enabled)) {
        size_t i = atomic_fetch_add(&next_slot, 1);
        if (i < slot_capacity) {
            sample_slot *slot = &slots[i];
            slot->thread = (int)gettid();
            slot->depth = backtrace(slot->frames, H2RPC_PROFILER_MAX_DEPTH + HANDLER_FRAMES);
            atomic_store_explicit(&slot->ready, 1, memory_order_release);
        } else {
            atomic_fetch_add(&dropped, 1);
        }
    }
    atomic_fetch_sub(&handlers_running, 1);
    errno = saved;
}

int h2rpc_profiler_start(int hz, size_t capacity) {
    if (hz <= 0 || hz > 1000000 || capacity == 0) return EINVAL;
    int result = 0;
    pthread_mutex_lock(&control);
    if (phase != 0) {
        result = EBUSY;
        goto out;
    }
    // The first backtrace() loads libgcc_s with dlopen, which must not happen in a signal handler.
    void *warm[4];
    (void)backtrace(warm, 4);
    slots = calloc(capacity, sizeof(sample_slot));
    if (slots == NULL) {
        result = ENOMEM;
        goto out;
    }
    slot_capacity = capacity;
    atomic_store(&next_slot, 0);
    atomic_store(&dropped, 0);
    if (!handler_installed) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = on_sigprof;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        if (sigaction(SIGPROF, &action, NULL) != 0) {
            result = errno;
            goto fail;
        }
        handler_installed = 1;
    }
    atomic_store(&enabled, 1);
    long usec = 1000000L / hz;
    if (usec < 1) usec = 1;
    struct itimerval timer;
    timer.it_interval.tv_sec = usec / 1000000L;
    timer.it_interval.tv_usec = usec % 1000000L;
    timer.it_value = timer.it_interval;
    if (setitimer(ITIMER_PROF, &timer, NULL) != 0) {
        result = errno;
        atomic_store(&enabled, 0);
        goto fail;
    }
    phase = 1;
    goto out;
fail:
    free(slots);
    slots = NULL;
    slot_capacity = 0;
out:
    pthread_mutex_unlock(&control);
    return result;
}

void h2rpc_profiler_stop(void) {
    pthread_mutex_lock(&control);
    if (phase == 1) {
        struct itimerval off;
        memset(&off, 0, sizeof off);
        setitimer(ITIMER_PROF, &off, NULL);
        atomic_store(&enabled, 0);
        // A handler that started before `enabled` was cleared finishes within microseconds.
        while (atomic_load(&handlers_running) != 0) sched_yield();
        phase = 2;
    }
    pthread_mutex_unlock(&control);
}

size_t h2rpc_profiler_sample_count(void) {
    size_t n = atomic_load(&next_slot);
    return n < slot_capacity ? n : slot_capacity;
}

size_t h2rpc_profiler_dropped_count(void) { return atomic_load(&dropped); }

int h2rpc_profiler_sample(size_t index, uintptr_t *frames, int *thread) {
    if (phase != 2 || index >= slot_capacity) return -1;
    sample_slot *slot = &slots[index];
    if (!atomic_load_explicit(&slot->ready, memory_order_acquire)) return -1;
    int depth = slot->depth - HANDLER_FRAMES;
    if (depth < 0) depth = 0;
    for (int i = 0; i < depth; i++) frames[i] = (uintptr_t)slot->frames[i + HANDLER_FRAMES];
    *thread = slot->thread;
    return depth;
}

int h2rpc_profiler_current_thread(void) { return (int)gettid(); }

void h2rpc_profiler_release(void) {
    pthread_mutex_lock(&control);
    if (phase == 2) {
        free(slots);
        slots = NULL;
        slot_capacity = 0;
        phase = 0;
    }
    pthread_mutex_unlock(&control);
}

int h2rpc_profiler_lookup(uintptr_t address, h2rpc_profiler_symbol *out) {
    Dl_info info;
    memset(&info, 0, sizeof info);
    if (dladdr((void *)address, &info) == 0) return 0;
    out->object = info.dli_fname ? info.dli_fname : "";
    out->object_base = (uintptr_t)info.dli_fbase;
    out->symbol = info.dli_sname;
    out->symbol_address = (uintptr_t)info.dli_saddr;
    return 1;
}

int h2rpc_profiler_load_bias(uintptr_t address, uintptr_t *bias) {
    Dl_info info;
    struct link_map *map = NULL;
    if (dladdr1((void *)address, &info, (void **)&map, RTLD_DL_LINKMAP) == 0 || map == NULL) return 0;
    *bias = (uintptr_t)map->l_addr;
    return 1;
}

struct h2rpc_elf_symbols {
    void *map;
    size_t length;
    const Elf64_Sym *symbols;
    size_t count;
    const char *names;
    size_t names_size;
};

/// Whether [offset, offset + size) lies within a file of `length` bytes.
static int within(uint64_t offset, uint64_t size, size_t length) {
    return offset <= length && size <= length - offset;
}

h2rpc_elf_symbols *h2rpc_elf_symbols_open(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
        close(fd);
        return NULL;
    }
    size_t length = (size_t)st.st_size;
    void *map = mmap(NULL, length, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return NULL;
    const unsigned char *bytes = map;
    const Elf64_Ehdr *header = map;
    const Elf64_Shdr *sections = NULL;
    const Elf64_Shdr *table = NULL;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64 ||
        header->e_shentsize != sizeof(Elf64_Shdr) ||
        !within(header->e_shoff, (uint64_t)header->e_shnum * sizeof(Elf64_Shdr), length)) {
        goto fail;
    }
    sections = (const Elf64_Shdr *)(bytes + header->e_shoff);
    for (int pass = 0; pass < 2 && table == NULL; pass++) {
        for (size_t i = 0; i < header->e_shnum; i++) {
            if (sections[i].sh_type == (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM)) {
                table = &sections[i];
                break;
            }
        }
    }
    if (table == NULL || table->sh_entsize != sizeof(Elf64_Sym) || table->sh_link >= header->e_shnum ||
        !within(table->sh_offset, table->sh_size, length)) {
        goto fail;
    }
    const Elf64_Shdr *names = &sections[table->sh_link];
    if (names->sh_type != SHT_STRTAB || !within(names->sh_offset, names->sh_size, length)) goto fail;
    h2rpc_elf_symbols *result = malloc(sizeof *result);
    if (result == NULL) goto fail;
    result->map = map;
    result->length = length;
    result->symbols = (const Elf64_Sym *)(bytes + table->sh_offset);
    result->count = table->sh_size / sizeof(Elf64_Sym);
    result->names = (const char *)(bytes + names->sh_offset);
    result->names_size = names->sh_size;
    return result;
fail:
    munmap(map, length);
    return NULL;
}

size_t h2rpc_elf_symbols_count(const h2rpc_elf_symbols *symbols) { return symbols->count; }

int h2rpc_elf_symbol(const h2rpc_elf_symbols *symbols, size_t index, uintptr_t *start, uintptr_t *size, const char **name) {
    if (index >= symbols->count) return 0;
    const Elf64_Sym *symbol = &symbols->symbols[index];
    if (ELF64_ST_TYPE(symbol->st_info) != STT_FUNC || symbol->st_shndx == SHN_UNDEF || symbol->st_size == 0) return 0;
    if (symbol->st_name >= symbols->names_size) return 0;
    const char *text = symbols->names + symbol->st_name;
    if (memchr(text, 0, symbols->names_size - symbol->st_name) == NULL) return 0;
    *start = (uintptr_t)symbol->st_value;
    *size = (uintptr_t)symbol->st_size;
    *name = text;
    return 1;
}

void h2rpc_elf_symbols_close(h2rpc_elf_symbols *symbols) {
    if (symbols == NULL) return;
    munmap(symbols->map, symbols->length);
    free(symbols);
}

typedef char *(*swift_demangle_fn)(const char *, size_t, char *, size_t *, uint32_t);
static swift_demangle_fn demangle;
static pthread_once_t demangle_once = PTHREAD_ONCE_INIT;

static void find_demangle(void) { demangle = (swift_demangle_fn)dlsym(RTLD_DEFAULT, "swift_demangle"); }

char *h2rpc_profiler_demangle(const char *mangled) {
    pthread_once(&demangle_once, find_demangle);
    if (demangle == NULL || mangled == NULL) return NULL;
    return demangle(mangled, strlen(mangled), NULL, NULL, 0);
}

void h2rpc_profiler_free(char *p) { free(p); }

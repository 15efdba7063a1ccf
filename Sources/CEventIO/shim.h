#ifndef H2RPC_CEVENTIO_SHIM_H
#define H2RPC_CEVENTIO_SHIM_H
// Linux calls that Swift's Glibc module does not export: epoll, eventfd, accept4, thread names; and
// ThreadSanitizer's acquire annotation.
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
// These are declared only under _GNU_SOURCE; declare them with their glibc signatures.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

// ThreadSanitizer's annotation of an acquire (a happens-before edge from every release of the same
// address). Weak: in a process built without -sanitize=thread the symbol is absent, its address null,
// and eventio_tsan_acquire does nothing.
extern void __tsan_acquire(void *addr) __attribute__((weak));
static inline int eventio_tsan_active(void) { return __tsan_acquire != 0; }
static inline void eventio_tsan_acquire(void *addr) {
    if (__tsan_acquire) __tsan_acquire(addr);
}
#endif

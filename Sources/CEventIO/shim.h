#ifndef H2RPC_CEVENTIO_SHIM_H
#define H2RPC_CEVENTIO_SHIM_H
// Linux calls that Swift's Glibc module does not export: epoll, eventfd, accept4, thread names.
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
#endif

#define _GNU_SOURCE
#include "CSignalWatch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int watch_pipe[2] = {-1, -1};
static h2rpc_signal_delivery watch_deliver;
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction previous[NSIG];
static int installed[NSIG];

static void on_signal(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(watch_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

static void *watch_loop(void *unused) {
    (void)unused;
    for (;;) {
        unsigned char byte;
        ssize_t n = read(watch_pipe[0], &byte, 1);
        if (n == 1) {
            watch_deliver((int)byte);
        } else if (n < 0 && errno != EINTR) {
            return NULL;
        }
    }
}

int h2rpc_signal_watch_start(h2rpc_signal_delivery deliver) {
    int result = 0;
    pthread_mutex_lock(&watch_lock);
    if (watch_pipe[0] < 0) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
            result = errno;
        } else {
            watch_pipe[0] = fds[0];
            watch_pipe[1] = fds[1];
            watch_deliver = deliver;
            pthread_attr_t attributes;
            pthread_attr_init(&attributes);
            pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
            pthread_t thread;
            result = pthread_create(&thread, &attributes, watch_loop, NULL);
            pthread_attr_destroy(&attributes);
            if (result == 0) {
                pthread_setname_np(thread, "h2rpc-signals");
            } else {
                close(fds[0]);
                close(fds[1]);
                watch_pipe[0] = watch_pipe[1] = -1;
            }
        }
    }
    pthread_mutex_unlock(&watch_lock);
    return result;
}

int h2rpc_signal_install(int signo) {
    if (signo <= 0 || signo >= NSIG) return EINVAL;
    int result = 0;
    pthread_mutex_lock(&watch_lock);
    if (!installed[signo]) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        if (sigaction(signo, &action, &previous[signo]) == 0) {
            installed[signo] = 1;
        } else {
            result = errno;
        }
    }
    pthread_mutex_unlock(&watch_lock);
    return result;
}

int h2rpc_signal_restore(int signo) {
    if (signo <= 0 || signo >= NSIG) return EINVAL;
    int result = 0;
    pthread_mutex_lock(&watch_lock);
    if (installed[signo]) {
        if (sigaction(signo, &previous[signo], NULL) == 0) {
            installed[signo] = 0;
        } else {
            result = errno;
        }
    }
    pthread_mutex_unlock(&watch_lock);
    return result;
}

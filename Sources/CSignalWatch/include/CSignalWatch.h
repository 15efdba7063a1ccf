#ifndef H2RPC_CSIGNALWATCH_H
#define H2RPC_CSIGNALWATCH_H
// Signal delivery for RPCServer's shutdown on signals, without Foundation or Dispatch.
//
// The handler installed with sigaction only writes the signal number to a pipe (write(2) is
// async-signal-safe); one thread, started on first use, reads the pipe and calls the delivery
// function on an ordinary thread. A signal may arrive on any thread, so nothing is blocked.

/// Called on the watcher thread, once per received signal.
typedef void (*h2rpc_signal_delivery)(int signo);

/// Starts the watcher thread (once per process) that calls `deliver` for every signal received
/// through `h2rpc_signal_install`. Returns 0, or an errno value.
int h2rpc_signal_watch_start(h2rpc_signal_delivery deliver);

/// Routes `signo` to the watcher, remembering the disposition it replaces. Returns 0 or an errno value.
int h2rpc_signal_install(int signo);

/// Puts back the disposition `signo` had before `h2rpc_signal_install`. Returns 0 or an errno value.
int h2rpc_signal_restore(int signo);

#endif

package import EventIO
#if canImport(Glibc)
    import Glibc
#endif

/// Turns EventIO's errors into the one-line messages rpcbench prints.
package enum IOErrors {
    package static func listen(_ error: IOError, host: String, port: Int) -> BenchError {
        if error.errno == EADDRINUSE { return .listen("port \(port) on \(host) is in use (\(error))") }
        if error.errno == EACCES { return .listen("no permission to listen on port \(port) (\(error))") }
        return .listen("cannot listen on \(host):\(port): \(error)")
    }

    package static func connect(_ error: IOError, host: String, port: Int) -> BenchError {
        if error.errno == ECONNREFUSED { return .connect("nothing listens on \(host):\(port) (connection refused)") }
        return .connect("cannot connect to \(host):\(port): \(error)")
    }
}

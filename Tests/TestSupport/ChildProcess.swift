// Child processes for tests, awaited without blocking a thread of Swift's cooperative pool.
public import Glibc

/// How a child process ended and what it wrote.
public struct ProcessOutcome: Sendable {
    /// The exit code, or 128 plus the number of the signal that ended the child (as a shell reports it).
    public var status: Int32
    /// The signal that ended the child, if one did.
    public var signal: Int32?
    /// Everything the child wrote to stdout (and to stderr when merged).
    public var stdout: [UInt8]
    /// Everything the child wrote to stderr (empty when merged into stdout or not captured).
    public var stderr: [UInt8]

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A failure to start a child process.
public struct SpawnError: Error, CustomStringConvertible {
    public let executable: String
    public let code: Int32
    public var description: String {
        "cannot start \(executable): \(String(cString: strerror(code))) (scripts/setup.sh installs the test tools)"
    }
}

/// A child process started with `posix_spawnp`. A thread of its own (never one of the cooperative
/// pool) writes its input, reads its output and waits for its exit; tasks await what they need
/// (a line, text in the output, the exit) through continuations. Every wait ends with
/// `CancellationError` when its task is cancelled. Dropping the last reference kills a child still
/// running.
public final class ChildProcess: Sendable {
    /// Where the child's stdin comes from.
    public enum Input: Sendable {
        /// /dev/null.
        case null
        /// These bytes, then end of file.
        case bytes([UInt8])
        /// A pipe the test writes with `send(_:)` and closes with `closeInput()`.
        case pipe
    }

    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        /// Collected; read it with the waits below or in the outcome.
        case capture
        /// /dev/null.
        case null
        /// This process's own descriptor (the test log).
        case inherit
    }

    public let pid: pid_t
    private let state: ChildState

    /// Starts `executable` (a path, or a name looked up in PATH) with `arguments`. With
    /// `mergeStderr`, stderr goes to the stdout pipe (and `stderr` is ignored).
    /// `environment` entries are added to (or replace those of) this process's environment.
    public init(
        _ executable: String, _ arguments: [String], stdin: Input = .null, stdout: Output = .capture,
        stderr: Output = .capture, mergeStderr: Bool = false, currentDirectory: String? = nil,
        environment: [String: String] = [:]
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []  // closed here once the child has its copies
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func pipePair() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            // Close-on-exec at once: children that other tests spawn meanwhile must not inherit them.
            guard pipeCloseOnExec(&fds) == 0 else { throw SpawnError(executable: executable, code: errno) }
            return (fds[0], fds[1])
        }
        var stdinFD: Int32 = -1
        if case .null = stdin {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        } else {
            let p = try pipePair()
            posix_spawn_file_actions_adddup2(&actions, p.read, 0)
            childEnds.append(p.read)
            stdinFD = p.write
            parentEnds.append(p.write)
        }
        var stdoutFD: Int32 = -1
        var stderrFD: Int32 = -1
        func route(_ output: Output, to target: Int32) throws -> Int32 {
            switch output {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
                return -1
            case .inherit:
                return -1
            case .capture:
                let p = try pipePair()
                posix_spawn_file_actions_adddup2(&actions, p.write, target)
                childEnds.append(p.write)
                parentEnds.append(p.read)
                return p.read
            }
        }
        stdoutFD = try route(stdout, to: 1)
        if mergeStderr {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            stderrFD = try route(stderr, to: 2)
        }
        closeInheritedDescriptors(&actions)
        if let currentDirectory { try addChangeDirectory(&actions, currentDirectory) }

        // The child must not inherit a blocked or ignored signal from this multi-threaded process.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var variables: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.prefix { $0 != "=" }
            if environment[String(name)] == nil { variables.append(text) }
            index += 1
        }
        for (name, value) in environment { variables.append("\(name)=\(value)") }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            for fd in parentEnds { close(fd) }
            throw SpawnError(executable: executable, code: result)
        }
        self.pid = pid
        var initialInput: [UInt8] = []
        var keepInputOpen = false
        switch stdin {
        case .bytes(let bytes): initialInput = bytes
        case .pipe: keepInputOpen = true
        case .null: break
        }
        let pidFD = pidfdOpen(pid)
        precondition(pidFD >= 0, "pidfd_open: \(String(cString: strerror(errno)))")
        state = ChildState(
            pidFD: pidFD, stdinFD: keepInputOpen ? stdinFD : -1, capturesStdout: stdoutFD >= 0,
            capturesStderr: stderrFD >= 0)
        let io = ChildIO(
            pid: pid, pidFD: pidFD, state: state, stdoutFD: stdoutFD, stderrFD: stderrFD,
            inputFD: keepInputOpen ? -1 : stdinFD, input: initialInput)
        startThread(named: "child-\(pid)") {
            var io = io
            io.run()
        }
    }

    deinit {
        state.kill(SIGKILL)
        state.closeInput()
    }

    /// Sends `signal` unless the child has already exited (never to a reused process id).
    public func signal(_ signal: Int32) { state.kill(signal) }

    /// Writes `text` to the child's stdin (`Input.pipe`).
    public func send(_ text: String) { state.send(Array(text.utf8)) }

    /// Closes the child's stdin (`Input.pipe`).
    public func closeInput() { state.closeInput() }

    /// Everything the child wrote to stdout so far once it contains `text`; nil if stdout ended
    /// without it.
    public func output(containing text: String) async throws -> String? {
        let needle = Array(text.utf8)
        return try await state.wait { s -> String?? in
            if s.stdout.contains(needle) { return .some(String(decoding: s.stdout, as: UTF8.self)) }
            return s.stdoutEnded ? .some(nil) : nil
        }
    }

    /// The next line of stdout not yet returned (without its newline); at the end, the unterminated
    /// rest, then nil.
    public func nextLine() async throws -> String? {
        try await state.wait { s -> String?? in
            if let newline = s.stdout[s.linesRead...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { s.linesRead = newline + 1 }
                return .some(String(decoding: s.stdout[s.linesRead..<newline], as: UTF8.self))
            }
            guard s.stdoutEnded else { return nil }
            if s.linesRead == s.stdout.count { return .some(nil) }
            defer { s.linesRead = s.stdout.count }
            return .some(String(decoding: s.stdout[s.linesRead...], as: UTF8.self))
        }
    }

    /// Reads lines until one contains `text` and returns it; nil if stdout ended first.
    public func line(containing text: String) async throws -> String? {
        while let line = try await nextLine() {
            if line.contains(text) { return line }
        }
        return nil
    }

    /// Every line of stdout returned so far by `nextLine` or `line(containing:)`, and the rest.
    public var transcript: String { state.withState { String(decoding: $0.stdout, as: UTF8.self) } }

    /// Waits for the child to exit and its output to end. Cancelling the waiting task kills the child.
    public func exit() async throws -> ProcessOutcome {
        do {
            return try await state.wait { s -> ProcessOutcome? in
                guard let status = s.status, s.stdoutEnded, s.stderrEnded else { return nil }
                return ProcessOutcome(status: status, signal: s.signal, stdout: s.stdout, stderr: s.stderr)
            }
        } catch {
            // Killed only once the wait has ended, so that the exit it causes cannot end the wait
            // with an outcome instead of the cancellation.
            state.kill(SIGKILL)
            throw error
        }
    }

    /// Sends `signal` (SIGTERM unless told) and waits for the exit.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM) async throws -> ProcessOutcome {
        state.kill(signal)
        state.closeInput()
        return try await exit()
    }
}

/// Runs `executable` to completion and returns its outcome; cancelling the task kills the child.
public func runProcess(
    _ executable: String, _ arguments: [String], stdin: [UInt8] = [], mergeStderr: Bool = false,
    currentDirectory: String? = nil, environment: [String: String] = [:]
) async throws -> ProcessOutcome {
    let child = try ChildProcess(
        executable, arguments, stdin: .bytes(stdin), mergeStderr: mergeStderr, currentDirectory: currentDirectory,
        environment: environment)
    return try await child.exit()
}

/// A command's failure: its arguments, status and output.
public struct CommandFailure: Error, CustomStringConvertible {
    public let command: [String]
    public let outcome: ProcessOutcome
    public init(command: [String], outcome: ProcessOutcome) {
        self.command = command
        self.outcome = outcome
    }
    public var description: String {
        "\(command.joined(separator: " ")) exited \(outcome.status): \(outcome.stderrText)\(outcome.stdoutText)"
    }
}

/// Runs `executable` to completion and returns its stdout; throws `CommandFailure` unless it exits 0.
public func runChecked(
    _ executable: String, _ arguments: [String], stdin: [UInt8] = [], currentDirectory: String? = nil
) async throws -> [UInt8] {
    let outcome = try await runProcess(executable, arguments, stdin: stdin, currentDirectory: currentDirectory)
    guard outcome.status == 0 else { throw CommandFailure(command: [executable] + arguments, outcome: outcome) }
    return outcome.stdout
}

extension [UInt8] {
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard count >= needle.count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<start + needle.count].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// `posix_spawn_file_actions_addchdir_np` (glibc 2.29), which Swift's Glibc module does not export
/// (it is behind `_GNU_SOURCE`); looked up by name.
private func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ path: String) throws {
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
        preconditionFailure("glibc without posix_spawn_file_actions_addchdir_np (needs 2.29 or later)")
    }
    let result = unsafeBitCast(symbol, to: AddChdir.self)(&actions, path)
    guard result == 0 else { throw SpawnError(executable: path, code: result) }
}

import EventIO
import RPCBenchServer
#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A live status line on a terminal, rewritten in place; absent (nil) when stdout is not a terminal.
public final class ProgressLine: Sendable {
    private let shown = LockedValue(false)

    private init() {}

    /// A progress line when stdout is a terminal, else nil: piped output stays clean.
    public static func ifTerminal() -> ProgressLine? {
        isatty(STDOUT_FILENO) == 1 ? ProgressLine() : nil
    }

    public func show(_ text: String) {
        shown.withLock { shown in
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + text).utf8))
            shown = true
        }
    }

    public func clear() {
        shown.withLock { shown in
            guard shown else { return }
            FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
            shown = false
        }
    }
}

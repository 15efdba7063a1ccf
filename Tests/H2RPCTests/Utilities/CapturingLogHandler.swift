import EventIO
import Logging

/// A swift-log handler that keeps the messages it gets, for assertions.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = LockedValue<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.lines.withLock { $0.append("\(event.level) \(event.message)") }
    }
}

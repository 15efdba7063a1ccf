import ProtoWire

/// What a reflection client asks, whichever protocol version carried it.
enum ReflectionQuestion: Sendable, Equatable {
    case fileByName(String)
    case fileContainingSymbol(String)
    case fileContainingExtension(type: String, number: Int32)
    case allExtensionNumbers(type: String)
    case listServices
    case missing
}

/// What the server answers, whichever protocol version carries it.
enum ReflectionAnswer: Sendable, Equatable {
    /// Serialized `FileDescriptorProto`s: the file asked for first, then those of its transitive
    /// dependencies that this stream has not sent yet.
    case files([[UInt8]])
    case extensionNumbers(type: String, numbers: [Int32])
    case services([String])
    /// A gRPC status code (NOT_FOUND, INVALID_ARGUMENT) and what was not found.
    case error(code: Int32, message: String)
}

/// Every file a reflection service knows, with the lookups the reflection protocol needs: file by
/// name, file declaring a symbol, extensions by extended type, and the services to list.
struct ReflectionIndex: Sendable {
    private var files: [String: ProtoFileDescriptor] = [:]
    private var fileBySymbol: [String: String] = [:]
    /// Extended type → extension number → declaring file.
    private var extensions: [String: [Int32: String]] = [:]
    /// Full names of the services to list, sorted.
    let serviceNames: [String]

    init(files roots: [ProtoFileDescriptor], serviceNames: [String]) {
        self.serviceNames = serviceNames
        for root in roots {
            for file in root.withTransitiveDependencies where files[file.name] == nil {
                files[file.name] = file
                for symbol in file.symbols { fileBySymbol[symbol] = file.name }
                for e in file.extensions { extensions[e.extendee, default: [:]][e.number] = file.name }
            }
        }
    }

    /// The answer to `question`; `sent` holds the names of files this stream already sent, and gains
    /// the ones this answer sends.
    func answer(_ question: ReflectionQuestion, sent: inout Set<String>) -> ReflectionAnswer {
        switch question {
        case .fileByName(let name):
            guard let file = files[name] else { return .error(code: 5, message: "file not found: \(name)") }
            return .files(serialized(file, sent: &sent))
        case .fileContainingSymbol(let symbol):
            guard let fileName = fileBySymbol[Self.trimmed(symbol)], let file = files[fileName] else {
                return .error(code: 5, message: "symbol not found: \(symbol)")
            }
            return .files(serialized(file, sent: &sent))
        case .fileContainingExtension(let type, let number):
            guard let fileName = extensions[Self.trimmed(type)]?[number], let file = files[fileName] else {
                return .error(code: 5, message: "extension not found: \(type) field \(number)")
            }
            return .files(serialized(file, sent: &sent))
        case .allExtensionNumbers(let type):
            let name = Self.trimmed(type)
            guard fileBySymbol[name] != nil else { return .error(code: 5, message: "type not found: \(type)") }
            return .extensionNumbers(type: name, numbers: (extensions[name] ?? [:]).keys.sorted())
        case .listServices:
            return .services(serviceNames)
        case .missing:
            return .error(code: 3, message: "the request names no question (message_request is not set)")
        }
    }

    /// `file` then its dependencies, each once per stream, as grpc-go's and grpc C++'s servers send them.
    private func serialized(_ file: ProtoFileDescriptor, sent: inout Set<String>) -> [[UInt8]] {
        var result = [file.serializedProto]
        sent.insert(file.name)
        for dependency in file.withTransitiveDependencies.dropFirst() where sent.insert(dependency.name).inserted {
            result.append(dependency.serializedProto)
        }
        return result
    }

    private static func trimmed(_ name: String) -> String { name.hasPrefix(".") ? String(name.dropFirst()) : name }
}

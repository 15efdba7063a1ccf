public import ProtoWire

extension ServiceConfig {
    /// Parses the JSON form of a service config.
    ///
    /// Unknown keys are ignored; a bad value in a known key rejects the whole config (gRFC A21).
    /// `loadBalancingConfig` takes the first policy this library supports (`pick_first`,
    /// `round_robin`); the deprecated `loadBalancingPolicy` is read only when it is absent (an
    /// unknown name there means `pick_first`, as in grpc-go). `maxAttempts` above 5 is lowered to 5.
    /// - Throws: `ServiceConfigError` naming the key path, e.g.
    ///   `methodConfig[0].retryPolicy.maxAttempts: must be an integer ≥ 2`; for text that is not
    ///   JSON, the path is empty and the reason is the parser's.
    public init(json text: String) throws(ServiceConfigError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            throw ServiceConfigError(path: "", reason: "invalid JSON: \(error)")
        }
        try self.init(json: value)
    }

    /// Reads a service config from a parsed JSON value (see `init(json:)` for the rules).
    /// - Throws: `ServiceConfigError` naming the key path.
    public init(json value: JSONValue) throws(ServiceConfigError) {
        let top = try ConfigJSONReader(value, path: "")
        var methodConfigs: [MethodConfig] = []
        for (k, entry) in (try top.array("methodConfig") ?? []).enumerated() {
            let path = "methodConfig[\(k)]"
            let config = try Self.methodConfig(ConfigJSONReader(entry, path: path))
            methodConfigs.append(config)
        }
        let policy = try Self.loadBalancing(top)
        var throttling: RetryThrottling?
        if let value = top.value("retryThrottling") {
            let reader = try ConfigJSONReader(value, path: "retryThrottling")
            guard let maxTokens = try reader.integer("maxTokens", in: 1...1000, reason: "must be an integer in 1…1000")
            else {
                throw ServiceConfigError(path: "retryThrottling.maxTokens", reason: "is required")
            }
            guard let ratio = try reader.number("tokenRatio", reason: "must be a number > 0") else {
                throw ServiceConfigError(path: "retryThrottling.tokenRatio", reason: "is required")
            }
            do {
                throttling = try RetryThrottling(maxTokens: maxTokens, tokenRatio: ratio)
            } catch {
                throw error.nested(under: "retryThrottling")
            }
        }
        // Entries with an empty name list are ignored (service config spec); the rest must not repeat names.
        let named = methodConfigs.enumerated().filter { !$0.element.names.isEmpty }
        do {
            try self.init(methodConfigs: named.map(\.element), loadBalancingPolicy: policy, retryThrottling: throttling)
        } catch {
            // Report the duplicate at its index in the JSON, not among the kept entries.
            var seen: [String: Int] = [:]
            for (k, entry) in named {
                for (n, name) in entry.names.enumerated() where seen.updateValue(k, forKey: name.key) != nil {
                    throw ServiceConfigError(path: "methodConfig[\(k)].name[\(n)]", reason: "duplicate name \(name)")
                }
            }
            throw error
        }
    }

    private static func methodConfig(_ reader: ConfigJSONReader) throws(ServiceConfigError) -> MethodConfig {
        var names: [MethodConfig.Name] = []
        for (n, item) in (try reader.array("name") ?? []).enumerated() {
            let name = try ConfigJSONReader(item, path: "\(reader.keyPath("name"))[\(n)]")
            let service = try name.string("service") ?? ""
            let method = try name.string("method") ?? ""
            if service.isEmpty {
                guard method.isEmpty else {
                    throw ServiceConfigError(path: name.keyPath("method"), reason: "needs a service")
                }
                names.append(.global)
            } else {
                names.append(method.isEmpty ? .init(service: service) : .init(service: service, method: method))
            }
        }
        let timeout = try reader.duration("timeout")
        if let timeout, timeout < .zero {
            throw ServiceConfigError(path: reader.keyPath("timeout"), reason: "must not be negative")
        }
        let uint32Reason = "must be an integer in 0…4294967295"
        var config = MethodConfig(
            names: names, waitForReady: try reader.bool("waitForReady"), timeout: timeout,
            maxRequestMessageBytes: try reader.integer(
                "maxRequestMessageBytes", in: 0...Int(UInt32.max), reason: uint32Reason),
            maxResponseMessageBytes: try reader.integer(
                "maxResponseMessageBytes", in: 0...Int(UInt32.max), reason: uint32Reason))
        let retry = reader.value("retryPolicy")
        let hedge = reader.value("hedgingPolicy")
        if retry != nil, hedge != nil {
            throw ServiceConfigError(
                path: reader.keyPath("hedgingPolicy"), reason: "cannot be given together with retryPolicy")
        }
        if let retry {
            config.executionPolicy = .retry(
                try retryPolicy(ConfigJSONReader(retry, path: reader.keyPath("retryPolicy"))))
        }
        if let hedge {
            config.executionPolicy = .hedge(
                try hedgingPolicy(ConfigJSONReader(hedge, path: reader.keyPath("hedgingPolicy"))))
        }
        return config
    }

    private static func retryPolicy(_ reader: ConfigJSONReader) throws(ServiceConfigError) -> RetryPolicy {
        func required<T>(_ key: String, _ value: T?) throws(ServiceConfigError) -> T {
            guard let value else { throw ServiceConfigError(path: reader.keyPath(key), reason: "is required") }
            return value
        }
        let maxAttempts = try required(
            "maxAttempts", try reader.integer("maxAttempts", in: 2...Int(Int32.max), reason: "must be an integer ≥ 2"))
        let initial = try required("initialBackoff", try reader.duration("initialBackoff"))
        let maximum = try required("maxBackoff", try reader.duration("maxBackoff"))
        let multiplier = try required(
            "backoffMultiplier", try reader.number("backoffMultiplier", reason: "must be a number > 0"))
        let codes = try required("retryableStatusCodes", try reader.statusCodes("retryableStatusCodes"))
        do {
            return try RetryPolicy(
                maxAttempts: maxAttempts, initialBackoff: initial, maxBackoff: maximum, backoffMultiplier: multiplier,
                retryableStatusCodes: codes)
        } catch {
            throw error.nested(under: reader.path)
        }
    }

    private static func hedgingPolicy(_ reader: ConfigJSONReader) throws(ServiceConfigError) -> HedgingPolicy {
        guard
            let maxAttempts = try reader.integer(
                "maxAttempts", in: 2...Int(Int32.max), reason: "must be an integer ≥ 2")
        else { throw ServiceConfigError(path: reader.keyPath("maxAttempts"), reason: "is required") }
        do {
            return try HedgingPolicy(
                maxAttempts: maxAttempts, hedgingDelay: try reader.duration("hedgingDelay") ?? .zero,
                nonFatalStatusCodes: try reader.statusCodes("nonFatalStatusCodes") ?? [])
        } catch {
            throw error.path.hasPrefix(reader.path) ? error : error.nested(under: reader.path)
        }
    }

    private static func loadBalancing(_ top: ConfigJSONReader) throws(ServiceConfigError) -> LoadBalancingPolicy? {
        if let list = try top.array("loadBalancingConfig") {
            var names: [String] = []
            for (k, item) in list.enumerated() {
                let path = "loadBalancingConfig[\(k)]"
                guard let object = item.objectValue, object.count == 1, let name = object.keys.first else {
                    throw ServiceConfigError(path: path, reason: "must be an object with exactly one policy name")
                }
                _ = try ConfigJSONReader(object[name]!, path: "\(path).\(name)")
                if let policy = LoadBalancingPolicy(configName: name) { return policy }
                names.append(name)
            }
            guard list.isEmpty else {
                throw ServiceConfigError(
                    path: "loadBalancingConfig",
                    reason:
                        "names no supported policy (\(names.joined(separator: ", "))); supported: pick_first, round_robin"
                )
            }
            return nil
        }
        if let name = try top.string("loadBalancingPolicy") {
            return LoadBalancingPolicy(configName: name.lowercased()) ?? .pickFirst
        }
        return nil
    }
}

import H2RPC
import Tracing

/// Writes a tracer's propagation headers (`traceparent`, `tracestate`, …) into request metadata,
/// replacing any value the caller set for the same key.
struct MetadataInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
        carrier.removeAll(forKey: key)
        carrier.add(key, value)
    }
}

/// Reads a tracer's propagation headers from request metadata (the first value of a key).
struct MetadataExtractor: Extractor {
    func extract(key: String, from carrier: Metadata) -> String? {
        carrier[key]
    }
}

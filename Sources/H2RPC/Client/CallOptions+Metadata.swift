extension CallOptions {
    /// These options with `metadata`'s entries added after the ones they already carry (what the
    /// generated clients' `metadata:` variants send).
    public func adding(_ metadata: Metadata) -> CallOptions {
        var options = self
        for entry in metadata { options.metadata.add(entry.key, value: entry.value) }
        return options
    }
}

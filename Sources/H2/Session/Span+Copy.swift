extension Span where Element == UInt8 {
    /// The bytes copied into a new array (one allocation, one memcpy).
    var copiedArray: [UInt8] {
        withUnsafeBufferPointer { Array($0) }
    }
}

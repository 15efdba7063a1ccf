/// ZigZag encoding of sint32/sint64: small magnitudes of either sign become small varints.
public enum ProtoZigZag {
    /// 0→0, −1→1, 1→2, −2→3 …
    @inlinable public static func encode32(_ n: Int32) -> UInt32 {
        UInt32(bitPattern: (n &<< 1) ^ (n >> 31))
    }
    /// Inverse of `encode32`.
    @inlinable public static func decode32(_ u: UInt32) -> Int32 {
        Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    /// 0→0, −1→1, 1→2, −2→3 …
    @inlinable public static func encode64(_ n: Int64) -> UInt64 {
        UInt64(bitPattern: (n &<< 1) ^ (n >> 63))
    }
    /// Inverse of `encode64`.
    @inlinable public static func decode64(_ u: UInt64) -> Int64 {
        Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
}

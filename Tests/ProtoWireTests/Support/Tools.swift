// Runs the independent implementations the tests check against: protoc (Debian protobuf-compiler)
// and python protobuf. A missing tool fails the test (scripts/setup.sh installs them).
import Foundation
import TestSupport

struct ToolError: Error, CustomStringConvertible {
    var description: String
}

enum Tools {
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }

    /// Runs `executable` (looked up in PATH) with `arguments`, feeding `input`; returns stdout. The
    /// child is awaited on a thread of its own, never on the cooperative pool.
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) async throws -> [UInt8] {
        let outcome = try await runProcess(executable, arguments, stdin: input)
        guard outcome.status == 0 else {
            throw ToolError(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) exited \(outcome.status): \(outcome.stderrText)")
        }
        return outcome.stdout
    }

    /// `protoc --encode=MESSAGE --deterministic_output -I Fixtures FILE` of text format (C++ libprotobuf;
    /// deterministic output sorts map entries by key, ascending, as ProtoWire does).
    static func protocEncode(_ message: String, text: String, file: String = "wiretest.proto") async throws -> [UInt8] {
        try await run(
            "protoc",
            [
                "--encode=\(message)", "--deterministic_output", "-I", fixtures.path,
                fixtures.appendingPathComponent(file).path,
            ],
            input: Array(text.utf8))
    }

    /// C++ libprotobuf's reading of each input as a TestAll, written back deterministically: protoc decodes
    /// them (as the records of one `Cases`) to text and encodes that text again.
    static func protocCanonical(_ inputs: [[UInt8]]) async throws -> [[UInt8]] {
        var cases: [UInt8] = []
        for input in inputs { cases += [0x0A] + varint(input.count) + input }
        let text = try await protocDecode("wiretest.Cases", bytes: cases)
        return Records.split(try await protocEncode("wiretest.Cases", text: text))
    }

    /// `protoc --decode=MESSAGE -I Fixtures FILE` of bytes: text format.
    static func protocDecode(_ message: String, bytes: [UInt8], file: String = "wiretest.proto") async throws -> String
    {
        let out = try await run(
            "protoc", ["--decode=\(message)", "-I", fixtures.path, fixtures.appendingPathComponent(file).path],
            input: bytes)
        return String(decoding: out, as: UTF8.self)
    }

    /// A descriptor set of `file` written by protoc, for python.
    static func descriptorSet(_ file: String = "wiretest.proto") async throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("protowire-\(UUID().uuidString).pb")
            .path
        _ = try await run(
            "protoc", ["--descriptor_set_out=\(path)", "-I", fixtures.path, fixtures.appendingPathComponent(file).path])
        return path
    }

    /// Python protobuf parses each message and re-serializes it deterministically.
    static func pythonRoundTrip(_ message: String, _ inputs: [[UInt8]]) async throws -> [[UInt8]] {
        let desc = try await descriptorSet()
        defer { try? FileManager.default.removeItem(atPath: desc) }
        var framed: [UInt8] = []
        for input in inputs { framed += varint(input.count) + input }
        let out = try await run(
            "python3", [fixtures.appendingPathComponent("pyproto.py").path, "roundtrip", desc, message],
            input: framed)
        return Records.splitFramed(out)
    }

    /// Python protobuf's encoding of the large-field messages of each size (`pyproto.py large`): for
    /// each size, a TestAll with an ASCII `f_string` and a binary `f_bytes` of that many bytes, then one
    /// with a `f_string` of 1- to 4-byte UTF-8 sequences.
    static func pythonLarge(_ sizes: [Int]) async throws -> [[UInt8]] {
        let desc = try await descriptorSet()
        defer { try? FileManager.default.removeItem(atPath: desc) }
        let out = try await run(
            "python3", [fixtures.appendingPathComponent("pyproto.py").path, "large", desc, "wiretest.TestAll"],
            input: Array(sizes.map(String.init).joined(separator: "\n").utf8))
        return Records.splitFramed(out)
    }

    /// Whether python protobuf accepts each input: "ok" or "error: …" per input.
    static func pythonCheck(
        _ message: String, _ inputs: [[UInt8]], file: String = "wiretest.proto"
    ) async throws -> [String] {
        let desc = try await descriptorSet(file)
        defer { try? FileManager.default.removeItem(atPath: desc) }
        var framed: [UInt8] = []
        for input in inputs { framed += varint(input.count) + input }
        let out = try await run(
            "python3", [fixtures.appendingPathComponent("pyproto.py").path, "check", desc, message],
            input: framed)
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Python protobuf encodes text format deterministically. Note: upb's "deterministic" map order is
    /// descending for integer and bool keys and ascending for string keys, unlike C++; compare maps of
    /// several entries by value, not by bytes, with python.
    static func pythonEncode(_ message: String, text: String) async throws -> [UInt8] {
        let desc = try await descriptorSet()
        defer { try? FileManager.default.removeItem(atPath: desc) }
        return try await run(
            "python3", [fixtures.appendingPathComponent("pyproto.py").path, "encode-text", desc, message],
            input: Array(text.utf8))
    }

    static func varint(_ n: Int) -> [UInt8] {
        var n = UInt64(n), out: [UInt8] = []
        while n >= 0x80 { out.append(UInt8(n & 0x7F) | 0x80); n >>= 7 }
        out.append(UInt8(n))
        return out
    }
}

import Foundation
import Testing

@testable import H2RPCProfiling

/// The pprof encoding, read back by tools that do not share our code: python's gzip and protoc
/// (`--decode` with the profile.proto the build plugin compiles).
@Suite struct ProfileEncodingTests {
    /// Three samples, two of them the same stack, in a made-up mapping no object is loaded at (so
    /// names fall back to `file+0xoffset`, the offset in the file: 0x1010 in a mapping of offset 0 at 0x1000 is `bin+0x10`).
    static let profile = CPUProfile(
        stacks: [[0x1010, 0x2020, 0x3030], [0x1500, 0x3030], [0x1010, 0x2020, 0x3030]], frequency: 100,
        startTimeNanos: 1_700_000_000_000_000_000, duration: .seconds(2), droppedSamples: 0)
    static let mappings = [ProcessMapping(start: 0x1000, limit: 0x4000, fileOffset: 0, path: "/opt/app/bin")]

    /// What `protoc --decode=perftools.profiles.Profile` prints for the profile: identical stacks
    /// summed (2 samples × 10 ms), callers' return addresses moved back one byte (0x2020 → 8223),
    /// "" first in the string table.
    static let expected = """
        sample_type {
          type: 6
          unit: 7
        }
        sample_type {
          type: 8
          unit: 9
        }
        sample {
          location_id: 1
          location_id: 2
          location_id: 3
          value: 2
          value: 20000000
        }
        sample {
          location_id: 4
          location_id: 3
          value: 1
          value: 10000000
        }
        mapping {
          id: 1
          memory_start: 4096
          memory_limit: 16384
          filename: 5
          has_functions: true
        }
        location {
          id: 1
          mapping_id: 1
          address: 4112
          line {
            function_id: 1
          }
        }
        location {
          id: 2
          mapping_id: 1
          address: 8223
          line {
            function_id: 2
          }
        }
        location {
          id: 3
          mapping_id: 1
          address: 12335
          line {
            function_id: 3
          }
        }
        location {
          id: 4
          mapping_id: 1
          address: 5376
          line {
            function_id: 4
          }
        }
        function {
          id: 1
          name: 1
          system_name: 1
        }
        function {
          id: 2
          name: 2
          system_name: 2
        }
        function {
          id: 3
          name: 3
          system_name: 3
        }
        function {
          id: 4
          name: 4
          system_name: 4
        }
        string_table: ""
        string_table: "bin+0x10"
        string_table: "bin+0x101f"
        string_table: "bin+0x202f"
        string_table: "bin+0x500"
        string_table: "/opt/app/bin"
        string_table: "samples"
        string_table: "count"
        string_table: "cpu"
        string_table: "nanoseconds"
        time_nanos: 1700000000000000000
        duration_nanos: 2000000000
        period_type {
          type: 8
          unit: 9
        }
        period: 10000000

        """

    @Test func gzipThenProtocDecodeGivesTheProfile() async throws {
        let message = ProfileBuilder.build(Self.profile, symbolizer: Symbolizer(mappings: Self.mappings))
        let compressed = try Gzip.compress(message.serializedBytes())
        let python = try #require(ToolProcess.python, "\(ToolMissing(name: "python3"))")
        let protoc = try #require(ToolProcess.protoc, "\(ToolMissing(name: "protoc (protobuf-compiler)"))")

        let gz = ToolProcess.temporaryURL("profile.pb.gz")
        let raw = ToolProcess.temporaryURL("profile.pb")
        defer {
            try? FileManager.default.removeItem(at: gz)
            try? FileManager.default.removeItem(at: raw)
        }
        try Data(compressed).write(to: gz)
        let gunzip = try await ToolProcess.run(
            python,
            ["-c", "import gzip,sys; sys.stdout.buffer.write(gzip.decompress(open(sys.argv[1],'rb').read()))", gz.path])
        #expect(gunzip.status == 0, "python gzip: \(gunzip.text)")
        try gunzip.output.write(to: raw)

        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/H2RPCProfiling")
        let decoded = try await ToolProcess.run(
            protoc, ["--decode=perftools.profiles.Profile", "-I", sources.path, "perftools/profiles/profile.proto"],
            stdin: raw)
        #expect(decoded.status == 0)
        #expect(decoded.text == Self.expected)
    }

    @Test func droppedSamplesAreNamedInAComment() {
        let profile = CPUProfile(
            stacks: [[0x1010]], frequency: 1000, startTimeNanos: 0, duration: .seconds(1), droppedSamples: 7)
        let message = ProfileBuilder.build(profile, symbolizer: Symbolizer(mappings: Self.mappings))
        #expect(message.period == 1_000_000)
        #expect(
            message.comment.map { message.stringTable[Int($0)] } == ["7 samples dropped: the sample buffer was full"])
    }

    @Test func mapsLinesBecomeExecutableMappings() {
        let maps = """
            55d0c1a00000-55d0c1a02000 r--p 00000000 08:01 1234                       /usr/bin/app
            55d0c1a02000-55d0c1b00000 r-xp 00002000 08:01 1234                       /usr/bin/app
            7f1e2c000000-7f1e2c021000 rw-p 00000000 00:00 0
            7ffd5a1f3000-7ffd5a1f5000 r-xp 00000000 00:00 0                          [vdso]
            7f1e30000000-7f1e30001000 r-xp 00000000 00:00 0
            """
        #expect(
            ProcessMappings.parse(maps) == [
                ProcessMapping(
                    start: 0x55d0_c1a0_2000, limit: 0x55d0_c1b0_0000, fileOffset: 0x2000, path: "/usr/bin/app"),
                ProcessMapping(start: 0x7ffd_5a1f_3000, limit: 0x7ffd_5a1f_5000, fileOffset: 0, path: "[vdso]"),
                ProcessMapping(start: 0x7f1e_3000_0000, limit: 0x7f1e_3000_1000, fileOffset: 0, path: ""),
            ])
    }

    @Test func addressesOutsideEveryMappingHaveNoMapping() {
        let symbolizer = Symbolizer(mappings: Self.mappings)
        #expect(symbolizer.mappingIndex(of: 0xfff) == nil)
        #expect(symbolizer.mappingIndex(of: 0x1000) == 0)
        #expect(symbolizer.mappingIndex(of: 0x3fff) == 0)
        #expect(symbolizer.mappingIndex(of: 0x4000) == nil)
    }
}

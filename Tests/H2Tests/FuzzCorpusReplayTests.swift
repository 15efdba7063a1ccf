import EventIO
import Foundation
import H2
import Testing

/// Every input of the H2 session fuzz corpus (FuzzTesting/Seeds-H2Session, and any crash or slow
/// input scripts/fuzz.sh kept in Tests/H2Tests/Fixtures/fuzz-regressions) replays here through the function
/// the fuzz target runs, `H2SessionFuzzing.run`: after the client preface, in reads of (first byte
/// + 1) bytes, into a server session over an in-memory byte stream on a real event loop. The
/// session must answer or close, never crash or hang.
@Suite struct FuzzCorpusReplayTests {
    // Links resolved: SanitizerTesting compiles this file through a link.
    static let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The seeds and the inputs scripts/fuzz.sh keeps when they crash the fuzz target, as paths in
    /// the package (dot files aside: the regressions folder holds a .gitkeep).
    static var corpus: [String] {
        ["FuzzTesting/Seeds-H2Session", "Tests/H2Tests/Fixtures/fuzz-regressions"].flatMap { directory -> [String] in
            let path = packageRoot.appendingPathComponent(directory).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
        }
    }

    @Test func theCorpusIsThere() {
        let count: Int = Self.corpus.count
        #expect(count >= 8)
    }

    @Test(arguments: corpus)
    func replay(_ name: String) async throws {
        let input = try [UInt8](Data(contentsOf: Self.packageRoot.appendingPathComponent(name)))
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let written: Int = await loop.submit { H2SessionFuzzing.run(input, on: loop) }
        // At least the server's SETTINGS went out.
        let settingsSent: Bool = written >= 9
        #expect(settingsSent)
    }
}

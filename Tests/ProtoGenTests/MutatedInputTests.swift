import Foundation
import Testing

@testable import ProtoGen

/// Bad input never crashes the generator: thousands of mutations of a valid file (bytes dropped,
/// duplicated, replaced, lines swapped) each end either in generated code or in a `ProtoGenError`
/// with a position inside the file.
@Suite struct MutatedInputTests {
    @Test func mutationsEndInCodeOrError() throws {
        let original = try String(
            contentsOfFile: ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Protos/syntax.proto", encoding: .utf8)
        let common = try String(
            contentsOfFile: ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Protos/rich_common.proto", encoding: .utf8
        )
        var random = SeededRandom(state: 2026)
        let alphabet = Array("{}[]()<>;=,.\"'/*\\-0x9azAZ_ \n\t\u{0}é".utf8)
        var errors = 0
        for _ in 0..<1500 {
            var bytes = Array(original.utf8)
            for _ in 0..<(1 + random.below(4)) {
                let i = random.below(bytes.count)
                switch random.below(4) {
                case 0: bytes.remove(at: i)
                case 1: bytes.insert(random.pick(alphabet), at: i)
                case 2: bytes[i] = random.pick(alphabet)
                default:
                    let n = min(bytes.count - i, random.below(40))
                    bytes.insert(contentsOf: bytes[i..<(i + n)], at: random.below(bytes.count))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try Generator.generate(
                    sources: ["Protos/syntax.proto": text, "Protos/rich_common.proto": common],
                    files: ["Protos/syntax.proto"])
            } catch {
                errors += 1
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
                for error in error.errors {
                    #expect(error.file == "Protos/syntax.proto", "\(error)")
                    #expect(error.line >= 1 && error.line <= lines + 1, "\(error)")
                    #expect(error.column >= 1, "\(error)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
        #expect(errors > 500, "most mutations break the file")
    }

    @Test func deepNestingIsAnError() {
        let depth = 10_000
        let text =
            "syntax = \"proto3\";\n" + String(repeating: "message M {", count: depth)
            + String(repeating: "}", count: depth)
        #expect(throws: ProtoGenErrors.self) {
            _ = try Generator.generate(sources: ["deep.proto": text], files: ["deep.proto"])
        }
    }
}

import Foundation
import Testing

@testable import H2RPCProfiling

/// The flame graph of the encoding tests' profile, read back by python's XML parser.
@Suite struct FlameGraphTests {
    @Test func boxesAreAsWideAsTheirSamplesAndParseAsXML() async throws {
        let message = ProfileBuilder.build(
            ProfileEncodingTests.profile, symbolizer: Symbolizer(mappings: ProfileEncodingTests.mappings))
        let svg = FlameGraph.svg(message, title: "a <test> & more", width: 1020)
        let file = ToolProcess.temporaryURL("flame.svg")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(svg.utf8).write(to: file)
        let python = try #require(ToolProcess.python, "\(ToolMissing(name: "python3"))")
        // Each box as "title|width", in document order.
        let script = """
            import sys, xml.etree.ElementTree as ET
            ns = {"s": "http://www.w3.org/2000/svg"}
            root = ET.parse(sys.argv[1]).getroot()
            print(root.find("s:text", ns).text)
            for g in root.findall("s:g", ns):
                print(g.find("s:title", ns).text + "|" + g.find("s:rect", ns).get("width"))
            """
        let outcome = try await ToolProcess.run(python, ["-c", script, file.path])
        #expect(outcome.status == 0, "\(outcome.text)")
        // 3 samples over 1000 px: the root and the shared caller (bin+0x202f) span all, the two
        // leaves' stacks 2/3 and 1/3 of it.
        #expect(
            outcome.text == """
                a <test> & more
                all (3 samples, 100%)|1000
                bin+0x202f (3 samples, 100%)|1000
                bin+0x500 (1 samples, 33.33%)|333.33
                bin+0x101f (2 samples, 66.67%)|666.67
                bin+0x10 (2 samples, 66.67%)|666.67

                """)
    }

    @Test func anEmptyProfileSaysSo() {
        #expect(FlameGraph.svg(Perftools_Profiles_Profile(), title: "empty").contains(">no samples</text>"))
    }

    @Test func pprofDataRoundTripsAndBadBytesAreMalformed() throws {
        let data = try ProfileEncodingTests.profile.pprofData()
        let decoded = try Perftools_Profiles_Profile(pprofData: data)
        #expect(decoded.sample.count == 2)
        #expect(decoded.stringTable.first == "")
        #expect(throws: ProfilingError.malformedProfile("the gzip data is truncated")) {
            _ = try Perftools_Profiles_Profile(pprofData: Array(data.prefix(data.count / 2)))
        }
        #expect(throws: ProfilingError.self) { _ = try Perftools_Profiles_Profile(pprofData: [0x1f, 0x8b, 0, 0, 0]) }
        #expect(throws: ProfilingError.self) { _ = try Perftools_Profiles_Profile(pprofData: [0x0a, 0x05, 0x01]) }
    }
}

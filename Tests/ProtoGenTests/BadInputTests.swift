import Foundation
import Testing

@testable import ProtoGen

/// Every kind of bad input gives `file:line:column: message`, never a crash. protoc 3.21 gets the same
/// input each time: it must reject it too, and where `sameAsProtoc` (most cases) it must print our
/// exact line — so the expected texts below are protoc's, not only ours.
@Suite struct BadInputTests {
    /// Generates from in-memory files and returns the errors, one `file:line:column: message` line
    /// each (protoc's form); checks protoc rejects the input too and, where `sameAsProtoc`, prints
    /// each of our lines.
    private func error(
        _ sources: [String: String], _ file: String, sameAsProtoc: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> String? {
        let ours: String?
        do {
            _ = try Generator.generate(sources: sources, files: [file])
            ours = nil
        } catch {
            ours = error.errors.map(\.protocDescription).joined(separator: "\n")
        }
        do {
            let dir = try ProcessRunner.temporaryDirectory()
            for (name, text) in sources {
                let path = dir + "/" + name
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            let protoc = try await ProcessRunner.run(
                try ProcessRunner.which("protoc"),
                ["-I", dir, "--descriptor_set_out=/dev/null", file], currentDirectory: dir)
            #expect(protoc.status != 0, "protoc accepts what we reject: \(ours ?? "-")", sourceLocation: sourceLocation)
            if sameAsProtoc, let ours {
                let protocLines = protoc.stderr.split(separator: "\n")
                for line in ours.split(separator: "\n") {
                    #expect(
                        protocLines.contains(line), "protoc says:\n\(protoc.stderr)", sourceLocation: sourceLocation)
                }
            }
        } catch {
            Issue.record("running protoc: \(error)", sourceLocation: sourceLocation)
        }
        return ours
    }

    @Test func syntaxError() async {
        #expect(
            await error(["s.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}\n"], "s.proto")
                == "s.proto:4:1: Expected \";\".")
    }

    @Test func unknownType() async {
        #expect(
            await error(["u.proto": "syntax = \"proto3\";\npackage p;\nmessage M {\n  Foo x = 1;\n}\n"], "u.proto")
                == "u.proto:4:3: \"Foo\" is not defined.")
    }

    @Test func duplicateFieldNumber() async {
        #expect(
            await error(
                ["d.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n  string b = 1;\n}\n"], "d.proto")
                == "d.proto:4:14: Field number 1 has already been used in \"M\" by field \"a\".")
    }

    @Test func reservedNumberUsed() async {
        // protoc prints this one without a line and column.
        #expect(
            await error(
                ["r.proto": "syntax = \"proto3\";\nmessage M {\n  reserved 2, 5 to 9;\n  int32 a = 7;\n}\n"], "r.proto",
                sameAsProtoc: false)
                == "r.proto:4:13: Field \"a\" uses reserved number 7.")
    }

    @Test func reservedNameUsed() async {
        #expect(
            await error(
                ["r.proto": "syntax = \"proto3\";\nmessage M {\n  reserved \"a\";\n  int32 a = 7;\n}\n"], "r.proto")
                == "r.proto:4:9: Field name \"a\" is reserved.")
    }

    @Test func importCycle() async {
        let sources = [
            "a.proto": "syntax = \"proto3\";\nimport \"b.proto\";\n",
            "b.proto": "syntax = \"proto3\";\nimport \"a.proto\";\n",
        ]
        // protoc names the same cycle at a.proto's import; we name the import that closes it.
        #expect(
            await error(sources, "a.proto", sameAsProtoc: false)
                == "b.proto:2:1: File recursively imports itself: a.proto -> b.proto -> a.proto")
    }

    @Test func missingImport() async {
        #expect(
            await error(["m.proto": "syntax = \"proto3\";\n\nimport \"nope.proto\";\n"], "m.proto", sameAsProtoc: false)
                == "m.proto:3:1: Import \"nope.proto\" was not found.")
    }

    @Test func missingFile() async {
        #expect(
            await error([:], "absent.proto", sameAsProtoc: false)
                == "absent.proto:1:1: File not found (searched: /virtual).")
    }

    @Test func fieldNumberRanges() async {
        #expect(
            await error(["f.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 19500;\n}\n"], "f.proto")
                == "f.proto:3:13: Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation."
        )
        #expect(
            await error(["f.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 0;\n}\n"], "f.proto")
                == "f.proto:3:13: Field numbers must be positive integers.")
        #expect(
            await error(["f.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 536870912;\n}\n"], "f.proto")
                == "f.proto:3:13: Field numbers cannot be greater than 536870911.")
    }

    @Test func proto3Rules() async {
        #expect(
            await error(["e.proto": "syntax = \"proto3\";\nenum E {\n  ONE = 1;\n}\n"], "e.proto")
                == "e.proto:3:9: The first enum value must be zero in proto3.")
        #expect(
            await error(
                ["q.proto": "syntax = \"proto3\";\nmessage M {\n  required int32 a = 1;\n}\n"], "q.proto",
                sameAsProtoc: false)
                == "q.proto:3:3: Required fields are not allowed in proto3.")
        #expect(
            await error(["q.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 1 [default = 5];\n}\n"], "q.proto")
                == "q.proto:3:26: Explicit default values are not allowed in proto3.")
    }

    @Test func duplicateNames() async {
        #expect(
            await error(["n.proto": "syntax = \"proto3\";\nmessage M {}\nmessage M {}\n"], "n.proto")
                == "n.proto:3:9: \"M\" is already defined.")
        #expect(
            await error(["n.proto": "syntax = \"proto3\";\nenum A { X = 0; }\nenum B { X = 0; }\n"], "n.proto")
                == "n.proto:3:10: \"X\" is already defined.")
    }

    @Test func enumAliasNeedsOption() async {
        #expect(
            await error(["a.proto": "syntax = \"proto3\";\nenum E {\n  A = 0;\n  B = 0;\n}\n"], "a.proto")
                == "a.proto:4:7: \"B\" uses the same enum value as \"A\". If this is intended, set 'option allow_alias = true;' to the enum definition."
        )
    }

    @Test func mapKeyTypes() async {
        #expect(
            await error(["k.proto": "syntax = \"proto3\";\nmessage M {\n  map<float, int32> m = 1;\n}\n"], "k.proto")
                == "k.proto:3:3: Key in map fields cannot be float/double, bytes or message types.")
    }

    @Test func mapEnumValueNeedsZero() async {
        let source = "syntax = \"proto2\";\nenum E { A = 1; }\nmessage M {\n  map<string, E> m = 1;\n}\n"
        #expect(
            await error(["m.proto": source], "m.proto")
                == "m.proto:4:3: Enum value in map must define 0 as the first value.")
    }

    @Test func lexicalErrors() async {
        #expect(
            await error(["l.proto": "syntax = \"proto3\";\npackage \"p;\n"], "l.proto", sameAsProtoc: false)
                == "l.proto:2:9: String literals cannot cross line boundaries.")
        #expect(
            await error(["l.proto": "syntax = \"proto3\";\noption java_package = \"a\\qb\";\n"], "l.proto")
                == "l.proto:2:26: Invalid escape sequence in string literal.")
        #expect(
            await error(["l.proto": "syntax = \"proto3\";\n/* never closed\n"], "l.proto")
                == "l.proto:3:1: End-of-file inside block comment.")
        #expect(
            await error(["l.proto": "syntax = \"proto4\";\n"], "l.proto")
                == "l.proto:1:10: Unrecognized syntax identifier \"proto4\".  This parser only recognizes \"proto2\" and \"proto3\"."
        )
        #expect(
            await error(["l.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 09;\n}\n"], "l.proto")
                == "l.proto:3:14: Numbers starting with leading zero must be in octal.")
        #expect(
            await error(["l.proto": "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n"], "l.proto")
                == "l.proto:4:1: Reached end of input in message definition (missing '}').")
    }

    @Test func visibilityAndScoping() async {
        let notImported = [
            "dep.proto": "syntax = \"proto3\";\npackage q;\nmessage T {}\n",
            "mid.proto": "syntax = \"proto3\";\nimport \"dep.proto\";\n",
            "top.proto": "syntax = \"proto3\";\nimport \"mid.proto\";\nmessage M {\n  q.T t = 1;\n}\n",
        ]
        #expect(
            await error(notImported, "top.proto")
                == "top.proto:4:3: \"q.T\" seems to be defined in \"dep.proto\", which is not imported by \"top.proto\".  To use it here, please add the necessary import."
        )
        let innermost = [
            "x.proto":
                "syntax = \"proto3\";\npackage x;\nmessage A { message Q {} }\nmessage Outer {\n  message A {}\n  A.Q q = 1;\n}\n"
        ]
        #expect(
            await error(innermost, "x.proto")
                == "x.proto:6:3: \"A.Q\" is resolved to \"x.Outer.A.Q\", which is not defined. The innermost scope is searched first in name resolution. Consider using a leading '.'(i.e., \".A.Q\") to start from the outermost scope."
        )
        #expect(
            await error(
                ["s.proto": "syntax = \"proto3\";\nservice S {\n  rpc M(E) returns (E);\n}\nenum E { Z = 0; }\n"],
                "s.proto")
                == "s.proto:3:9: \"E\" is not a message type.\ns.proto:3:21: \"E\" is not a message type.")
    }

    /// After a syntax error the parser skips the rest of the statement and goes on, as protoc does.
    @Test func everySyntaxErrorOfAFile() async {
        let text =
            "syntax = \"proto3\";\npackage p;\nmessage N {\n  int32 x = 1\n}\nmessage O {\n  int32 y = ;\n  int32 z = 2;\n}\n"
        #expect(
            await error(["multi.proto": text], "multi.proto")
                == "multi.proto:5:1: Expected \";\".\nmulti.proto:7:13: Expected field number.")
    }

    /// Unknown types and failed checks are all reported, not only the first (protoc prints the same
    /// lines in its own order).
    @Test func everyResolutionAndCheckErrorOfAFile() async {
        let text = """
            syntax = "proto3";
            package p;
            message M {
              Bogus a = 1;
              int32 b = 1;
              Other c = 3;
              int32 d = 19000;
            }
            service S { rpc X(Nope) returns (M); }

            """
        let lines = await error(["multi2.proto": text], "multi2.proto")?.split(separator: "\n").sorted()
        #expect(
            lines == [
                "multi2.proto:4:3: \"Bogus\" is not defined.",
                "multi2.proto:5:13: Field number 1 has already been used in \"p.M\" by field \"a\".",
                "multi2.proto:6:3: \"Other\" is not defined.",
                "multi2.proto:7:13: Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.",
                "multi2.proto:9:19: \"Nope\" is not defined.",
            ])
    }

    @Test func proto2EnumInProto3() async {
        let sources = [
            "p2.proto": "syntax = \"proto2\";\nenum Old { A = 1; }\n",
            "p3.proto": "syntax = \"proto3\";\nimport \"p2.proto\";\nmessage M {\n  Old o = 1;\n}\n",
        ]
        #expect(
            await error(sources, "p3.proto")
                == "p3.proto:4:3: Enum type \"Old\" is not a proto3 enum, but is used in \"M\" which is a proto3 message type."
        )
    }

    @Test func groupErrors() async {
        #expect(
            await error(
                [
                    "g.proto":
                        "syntax = \"proto2\";\nmessage M {\n  optional group foo = 1 { optional int32 x = 1; }\n}\n"
                ], "g.proto")
                == "g.proto:3:18: Group names must start with a capital letter.")
        #expect(
            await error(["g.proto": "syntax = \"proto2\";\nmessage M {\n  optional group Foo = 1;\n}\n"], "g.proto")
                == "g.proto:3:25: Missing group body.")
        #expect(
            await error(
                ["g.proto": "syntax = \"proto3\";\nmessage M {\n  optional group Foo = 1 { int32 x = 1; }\n}\n"],
                "g.proto")
                == "g.proto:3:12: Groups are not supported in proto3 syntax.")
        #expect(
            await error(["g.proto": "syntax = \"proto2\";\nmessage M {\n  group Foo = 1 { }\n}\n"], "g.proto")
                == "g.proto:3:3: Expected \"required\", \"optional\", or \"repeated\".")
        // The group's message type and a sibling of the same name collide.
        #expect(
            await error(
                ["g.proto": "syntax = \"proto2\";\nmessage M {\n  message Foo {}\n  optional group Foo = 1 { }\n}\n"],
                "g.proto")
                == "g.proto:4:18: \"Foo\" is already defined in \"M\".")
    }

    @Test func extensionErrors() async {
        let message = "syntax = \"proto2\";\npackage p;\nmessage M {\n  extensions 100 to 199;\n}\n"
        func extend(_ body: String) -> [String: String] { ["e.proto": message + body] }
        #expect(
            await error(
                ["e.proto": "syntax = \"proto2\";\npackage p;\nextend Missing {\n  optional int32 a = 1;\n}\n"],
                "e.proto")
                == "e.proto:3:8: \"Missing\" is not defined.")
        #expect(
            await error(
                [
                    "e.proto":
                        "syntax = \"proto2\";\npackage p;\nenum E { X = 1; }\nextend E {\n  optional int32 a = 1;\n}\n"
                ], "e.proto")
                == "e.proto:4:8: \"E\" is not a message type.")
        #expect(
            await error(extend("extend M {\n  optional int32 a = 5;\n}\n"), "e.proto")
                == "e.proto:7:22: \"p.M\" does not declare 5 as an extension number.")
        #expect(
            await error(extend("extend M {\n  optional int32 a = 100;\n  optional int32 b = 100;\n}\n"), "e.proto")
                == "e.proto:8:22: Extension number 100 has already been used in \"p.M\" by extension \"p.a\".")
        // A nested extension is built first, so the file-level one is the duplicate.
        #expect(
            await error(
                [
                    "e.proto":
                        "syntax = \"proto2\";\npackage p;\nmessage M {\n  extensions 100 to 199;\n  extend M { optional int32 a = 101; }\n}\nextend M {\n  optional int32 b = 101;\n}\n"
                ], "e.proto")
                == "e.proto:8:22: Extension number 101 has already been used in \"p.M\" by extension \"p.M.a\".")
        #expect(
            await error(extend("extend M {\n  required int32 a = 100;\n}\n"), "e.proto")
                == "e.proto:7:12: The extension p.a cannot be required.")
        #expect(
            await error(extend("extend M {\n  optional Nope a = 100;\n}\n"), "e.proto")
                == "e.proto:7:12: \"Nope\" is not defined.")
        #expect(
            await error(extend("extend M {\n  optional int32 a = 100;\n}\nmessage a {}\n"), "e.proto")
                == "e.proto:7:18: \"a\" is already defined in \"p\".")
        #expect(
            await error(extend("extend M {\n  map<int32, int32> a = 100;\n}\n"), "e.proto")
                == "e.proto:7:6: Map fields are not allowed to be extensions.")
        #expect(
            await error(extend("extend M {\n  optional int32 a = 0;\n}\n"), "e.proto")
                == "e.proto:7:22: Field numbers must be positive integers.")
        // Options messages are no exception: protoc 3.21 wants the 1000-to-max range they declare.
        #expect(
            await error(
                [
                    "e.proto":
                        "syntax = \"proto2\";\npackage p;\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FieldOptions {\n  optional int32 a = 50;\n}\n"
                ], "e.proto")
                == "e.proto:5:22: \"google.protobuf.FieldOptions\" does not declare 50 as an extension number.")
        // proto3 messages declare no extension ranges.
        #expect(
            await error(
                ["e.proto": "syntax = \"proto3\";\npackage p;\nmessage M {\n}\nextend M {\n  int32 a = 100;\n}\n"],
                "e.proto")
                == "e.proto:6:13: \"p.M\" does not declare 100 as an extension number.")
    }

    /// The executable prints every error as a compiler diagnostic (`/abs/path:line:column: error: …`,
    /// the form SwiftPM and IDEs show) and exits with status 1.
    @Test func commandLineExitStatus() async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        try "syntax = \"proto3\";\nmessage M {\n  Missing m = 1;\n  Gone g = 2;\n}\n".write(
            toFile: dir + "/bad.proto", atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(),
            ["--proto_path", dir, "--swift_out", dir + "/out", "bad.proto"])
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "\(dir)/bad.proto:3:3: error: \"Missing\" is not defined.\n\(dir)/bad.proto:4:3: error: \"Gone\" is not defined.\n"
        )
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/bad.pb.swift"))
    }

    /// A relative proto path is reported as an absolute path (from the current directory).
    @Test func relativeProtoPathGivesAbsolutePaths() async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/protos/sub", withIntermediateDirectories: true)
        try "syntax = \"proto3\";\nimport \"sub/dep.proto\";\nmessage M {\n  dep.D d = 1;\n}\n".write(
            toFile: dir + "/protos/top.proto", atomically: true, encoding: .utf8)
        try "syntax = \"proto3\";\npackage dep;\nmessage D { Nothing n = 1; }\n".write(
            toFile: dir + "/protos/sub/dep.proto", atomically: true, encoding: .utf8)
        let result = try await ProcessRunner.run(
            try ProcessRunner.generatorPath(),
            ["--proto_path", "./protos", "--swift_out", "out", "top.proto"], currentDirectory: dir)
        #expect(result.status == 1)
        #expect(result.stderr == "\(dir)/protos/sub/dep.proto:3:13: error: \"Nothing\" is not defined.\n")
    }
}

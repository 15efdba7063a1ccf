import ProtoGen

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `protoc-gen-h2rpc --proto_path P --swift_out DIR [options] file.proto…`
enum StandaloneMode {
    static let usage = """
        usage: protoc-gen-h2rpc [--proto_path DIR]... --swift_out DIR [--visibility internal|public|package]
                                [--services true|false] [--file-naming FullPath|PathToUnderscores]
                                [--descriptors true|false] [--well-known-types-module MODULE]
                                [--proto-module a/b.proto=MODULE]... file.proto...
               (with no arguments it runs as a protoc plugin: protoc --plugin=protoc-gen-h2rpc --h2rpc_out=DIR ...)
        """

    static func fail(_ message: String) -> Int32 {
        FileIO.writeStderr(message + "\n")
        return 1
    }

    static func run(_ arguments: [String]) -> Int32 {
        var protoPaths: [String] = []
        var outDir: String?
        var options = GeneratorOptions()
        var files: [String] = []
        var i = 0
        func value(_ flag: String) -> String? {
            if let eq = arguments[i].firstIndex(of: "=") {
                return String(arguments[i][arguments[i].index(after: eq)...])
            }
            i += 1
            return i < arguments.count ? arguments[i] : nil
        }
        while i < arguments.count {
            let arg = arguments[i]
            let flag = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            switch flag {
            case "--proto_path", "-I", "--proto-path":
                guard let v = value(flag) else { return fail("\(flag) needs a folder\n" + usage) }
                protoPaths.append(v)
            case "--swift_out", "--swift-out":
                guard let v = value(flag) else { return fail("\(flag) needs a folder\n" + usage) }
                outDir = v
            case "--visibility":
                guard let v = value(flag), let vis = GeneratorOptions.Visibility(rawValue: v.lowercased()) else {
                    return fail("--visibility takes internal, public or package\n" + usage)
                }
                options.visibility = vis
            case "--services":
                guard let v = value(flag), v == "true" || v == "false" else {
                    return fail("--services takes true or false\n" + usage)
                }
                options.services = v == "true"
            case "--well-known-types-module":
                guard let v = value(flag), !v.isEmpty else {
                    return fail("--well-known-types-module needs a module name\n" + usage)
                }
                options.useWellKnownTypes(from: v)
            case "--proto-module":
                guard let v = value(flag), let eq = v.lastIndex(of: "="), eq != v.startIndex,
                    v.index(after: eq) != v.endIndex
                else {
                    return fail("--proto-module takes a/b.proto=Module\n" + usage)
                }
                options.moduleMappings[String(v[..<eq])] = String(v[v.index(after: eq)...])
            case "--descriptors":
                guard let v = value(flag), v == "true" || v == "false" else {
                    return fail("--descriptors takes true or false\n" + usage)
                }
                options.descriptors = v == "true"
            case "--file-naming":
                guard let v = value(flag), let naming = GeneratorOptions.FileNaming(rawValue: v) else {
                    return fail("--file-naming takes FullPath or PathToUnderscores\n" + usage)
                }
                options.fileNaming = naming
            case "-h", "--help":
                print(usage)
                return 0
            default:
                if arg.hasPrefix("-I") && arg.count > 2 {
                    protoPaths.append(String(arg.dropFirst(2)))
                } else if arg.hasPrefix("-") {
                    return fail("unknown option \(arg)\n" + usage)
                } else {
                    files.append(arg)
                }
            }
            i += 1
        }
        guard let outDir else { return fail("--swift_out is required\n" + usage) }
        guard !files.isEmpty else { return fail("no .proto files given\n" + usage) }
        do {
            let outputs = try Generator.generate(files: files, protoPaths: protoPaths, options: options)
            for output in outputs {
                try FileIO.write(output.content, to: outDir + "/" + output.name)
            }
            return 0
        } catch let errors as ProtoGenErrors {
            return fail(errors.description)
        } catch {
            return fail("protoc-gen-h2rpc: \(error)")
        }
    }
}

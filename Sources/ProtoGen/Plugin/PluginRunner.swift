import ProtoWire

/// protoc plugin mode: a serialized `CodeGeneratorRequest` in, a serialized `CodeGeneratorResponse` out.
public enum PluginRunner {
    /// Bit 1 of `supported_features`: proto3 `optional` is understood.
    static let featureProto3Optional: UInt64 = 1

    /// Generates Swift for the request's `file_to_generate`. Problems with the input (an undecodable
    /// request, a bad parameter) are reported in the response's `error`, as protoc expects.
    public static func respond(to requestBytes: [UInt8]) -> [UInt8] {
        var response = Google_Protobuf_Compiler_CodeGeneratorResponse()
        response.supportedFeatures = featureProto3Optional
        do {
            let request = try Google_Protobuf_Compiler_CodeGeneratorRequest(serializedBytes: requestBytes)
            let options = try GeneratorOptions(parameter: request.parameter ?? "")
            let files = request.protoFile.map(DescriptorConverter.convert)
            var descriptors: [String: [UInt8]] = [:]
            if options.descriptors {
                // protoc's own bytes for each file, without source info (field 9): what
                // `--descriptor_set_out` writes.
                for bytes in RawProto.lengthDelimitedFields(15, in: requestBytes) ?? [] {
                    guard let records = RawProto.records(bytes[...]) else { continue }
                    let kept = records.filter { $0.number != 9 }.flatMap(\.record)
                    if let name = try? Google_Protobuf_FileDescriptorProto(serializedBytes: kept).name {
                        descriptors[name] = kept
                    }
                }
            }
            for output in Generator.emit(
                all: files, toGenerate: request.fileToGenerate, options: options, descriptors: descriptors)
            {
                var file = Google_Protobuf_Compiler_CodeGeneratorResponse.File()
                file.name = output.name
                file.content = output.content
                response.file.append(file)
            }
        } catch let error as ProtoDecodeError {
            response.error = "protoc-gen-h2rpc: cannot decode CodeGeneratorRequest: \(error)"
        } catch let error as GeneratorOptionError {
            response.error = "protoc-gen-h2rpc: \(error)"
        } catch {
            response.error = "protoc-gen-h2rpc: \(error)"
        }
        return response.serializedBytes()
    }
}

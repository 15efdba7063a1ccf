import EventIO
import Foundation
public import RPCBenchServer

/// A throwaway CA and a server certificate signed by it (P-256 ECDSA, for `localhost`, 127.0.0.1 and
/// ::1), made with the `openssl` command in a fresh temporary directory, so that `compare --tls` can
/// measure TLS without any setup. Nothing is reused between runs.
public struct BenchCertificates: Sendable {
    /// The directory holding the files; `remove()` deletes it.
    public let directory: String
    /// The CA certificate clients trust (PEM).
    public var caCertificate: String { directory + "/ca.pem" }
    /// The server's certificate and key (PEM).
    public var server: BenchTLSFiles {
        BenchTLSFiles(certificateChain: directory + "/server.pem", privateKey: directory + "/server.key")
    }

    /// Makes the CA and the server certificate.
    /// - Throws: `BenchError.usage` naming the failed `openssl` step (or that `openssl` is missing).
    public static func make() async throws(BenchError) -> BenchCertificates {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-tls-XXXXXX").path
        var buffer = Array(template.utf8CString)
        guard let made = mkdtemp(&buffer) else {
            throw .usage("cannot make a temporary directory for the TLS certificates")
        }
        let directory = String(cString: made)
        let certificates = BenchCertificates(directory: directory)
        let extensions = """
            subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
            extendedKeyUsage=serverAuth
            keyUsage=critical,digitalSignature

            """
        do {
            try extensions.write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        } catch {
            throw .usage("cannot write \(directory)/server.ext: \(error.localizedDescription)")
        }
        let steps: [[String]] = [
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"],
            [
                "req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "2", "-subj", "/CN=rpcbench throwaway CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-out",
                "ca.pem",
            ],
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key"],
            ["req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr"],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-sha256",
                "-days", "2", "-extfile", "server.ext", "-out", "server.pem",
            ],
        ]
        for step in steps {
            do throws(BenchError) {
                try await runOpenSSL(step, in: directory)
            } catch {
                certificates.remove()
                throw error
            }
        }
        return certificates
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `openssl arguments` in `directory`, its output going to `openssl.log` there; waits without
    /// holding a thread.
    private static func runOpenSSL(_ arguments: [String], in directory: String) async throws(BenchError) {
        let log = directory + "/openssl.log"
        guard FileManager.default.createFile(atPath: log, contents: nil), let output = FileHandle(forWritingAtPath: log)
        else {
            throw .usage("cannot write \(log)")
        }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let exited = Promise<Int32>()
        process.terminationHandler = { exited.complete($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw .usage("cannot run openssl (install it: apt-get install openssl): \(error.localizedDescription)")
        }
        let status: Int32
        do {
            status = try await exited.wait()
        } catch {
            process.terminate()
            throw .interrupted
        }
        guard status == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let last = text.split(separator: "\n").last.map(String.init) ?? ""
            throw .usage("openssl \(arguments.first ?? "") failed (status \(status)): \(last)")
        }
    }
}

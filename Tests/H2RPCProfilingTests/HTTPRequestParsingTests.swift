import Testing
@testable import H2RPC

/// How RPCServer splits an HTTP route's `:path`.
@Suite struct HTTPRequestParsingTests {
    @Test func pathAndDecodedQuery() {
        let request = HTTPRequest(method: "GET", target: "/debug/pprof/profile?seconds=5&name=a+b%2Fc&flag")
        #expect(
            request
                == HTTPRequest(
                    method: "GET", path: "/debug/pprof/profile", query: ["seconds": "5", "name": "a b/c", "flag": ""]))
        #expect(HTTPRequest(method: "GET", target: "/x").query.isEmpty)
        #expect(HTTPRequest(method: "GET", target: "/x?bad=%zz").query == ["bad": "%zz"])
    }
}

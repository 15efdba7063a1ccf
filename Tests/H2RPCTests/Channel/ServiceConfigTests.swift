import ProtoWire
import Testing
@testable import H2RPC

@Suite struct ServiceConfigTests {
    static let full = """
        {
          "loadBalancingConfig": [{"weighted_target_experimental": {}}, {"round_robin": {}}],
          "methodConfig": [
            {"name": [{"service": "pkg.Echo", "method": "Say"}], "timeout": "1.5s", "waitForReady": false,
             "maxRequestMessageBytes": 1024, "maxResponseMessageBytes": "2048",
             "retryPolicy": {"maxAttempts": 10, "initialBackoff": "0.1s", "maxBackoff": "1s",
                             "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE", "resource_exhausted", 4]}},
            {"name": [{"service": "pkg.Echo"}], "waitForReady": true,
             "hedgingPolicy": {"maxAttempts": 3, "hedgingDelay": "0.050s", "nonFatalStatusCodes": ["UNAVAILABLE"]}},
            {"name": [{}], "timeout": "30s", "unknownKey": {"ignored": [1, 2]}},
            {"name": [], "timeout": "1s"}
          ],
          "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
          "healthCheckConfig": {"serviceName": ""}
        }
        """

    @Test func parsesEveryField() throws {
        let config = try ServiceConfig(json: Self.full)
        #expect(config.loadBalancingPolicy == .roundRobin)  // the first supported one
        #expect(config.methodConfigs.count == 3)  // the entry without names is ignored
        #expect(config.retryThrottling == (try ServiceConfig.RetryThrottling(maxTokens: 10, tokenRatio: 0.1)))

        let say = try #require(config.methodConfig(forPath: "/pkg.Echo/Say"))
        #expect(say.names == [MethodConfig.Name(service: "pkg.Echo", method: "Say")])
        #expect(say.timeout == .milliseconds(1500))
        #expect(say.waitForReady == false)
        #expect(say.maxRequestMessageBytes == 1024)
        #expect(say.maxResponseMessageBytes == 2048)
        let retry = try #require(say.retryPolicy)
        #expect(retry.maxAttempts == 5)  // 10 is lowered to 5
        #expect(retry.initialBackoff == .milliseconds(100))
        #expect(retry.maxBackoff == .seconds(1))
        #expect(retry.backoffMultiplier == 2)
        #expect(retry.retryableStatusCodes == [.unavailable, .resourceExhausted, .deadlineExceeded])

        let other = try #require(config.methodConfig(forPath: "/pkg.Echo/Other"))
        #expect(other.waitForReady == true)
        #expect(
            other.hedgingPolicy
                == (try HedgingPolicy(
                    maxAttempts: 3, hedgingDelay: .milliseconds(50), nonFatalStatusCodes: [.unavailable])))
        #expect(other.retryPolicy == nil)

        let global = try #require(config.methodConfig(forPath: "/other.Service/Method"))
        #expect(global.names == [.global])
        #expect(global.timeout == .seconds(30))
    }

    @Test func lookupPrefersTheMethodThenTheServiceThenTheGlobalEntry() throws {
        let config = try ServiceConfig(methodConfigs: [
            MethodConfig(names: [.global], timeout: .seconds(3)),
            MethodConfig(names: [.init(service: "a.S")], timeout: .seconds(2)),
            MethodConfig(
                names: [.init(service: "a.S", method: "M"), .init(service: "b.T", method: "N")], timeout: .seconds(1)),
        ])
        #expect(config.methodConfig(forPath: "/a.S/M")?.timeout == .seconds(1))
        #expect(config.methodConfig(forPath: "/b.T/N")?.timeout == .seconds(1))
        #expect(config.methodConfig(forPath: "/a.S/Other")?.timeout == .seconds(2))
        #expect(config.methodConfig(forPath: "/b.T/Other")?.timeout == .seconds(3))
        #expect(config.methodConfig(forPath: "/a.Sx/M")?.timeout == .seconds(3))
        let noGlobal = try ServiceConfig(methodConfigs: [MethodConfig(names: [.init(service: "a.S")])])
        #expect(noGlobal.methodConfig(forPath: "/b.T/M") == nil)
    }

    @Test func deprecatedPolicyNameAndDefaults() throws {
        #expect(try ServiceConfig(json: #"{"loadBalancingPolicy": "ROUND_ROBIN"}"#).loadBalancingPolicy == .roundRobin)
        #expect(try ServiceConfig(json: #"{"loadBalancingPolicy": "grpclb"}"#).loadBalancingPolicy == .pickFirst)
        // The list wins over the deprecated name.
        #expect(
            try ServiceConfig(
                json: #"{"loadBalancingConfig": [{"pick_first": {}}], "loadBalancingPolicy": "round_robin"}"#
            )
            .loadBalancingPolicy == .pickFirst)
        let empty = try ServiceConfig(json: "{}")
        #expect(empty.loadBalancingPolicy == nil)
        #expect(empty.methodConfigs.isEmpty)
        #expect(empty.retryThrottling == nil)
        #expect(empty.methodConfig(forPath: "/a/b") == nil)
    }

    @Test func durations() {
        #expect(ConfigJSONReader.parseDuration("1s") == .seconds(1))
        #expect(ConfigJSONReader.parseDuration("0.000000001s") == .nanoseconds(1))
        #expect(ConfigJSONReader.parseDuration("-1.5s") == .milliseconds(-1500))
        #expect(ConfigJSONReader.parseDuration("2.5") == nil)
        #expect(ConfigJSONReader.parseDuration("1.s") == nil)
        #expect(ConfigJSONReader.parseDuration(".5s") == nil)
        #expect(ConfigJSONReader.parseDuration("1.0000000001s") == nil)
        #expect(ConfigJSONReader.parseDuration("1ms") == nil)
        #expect(ConfigJSONReader.parseDuration("+1s") == nil)
    }

    /// Invalid configs and the error each gives (path: reason).
    static let invalid: [(String, String)] = [
        ("[]", "must be an object, not array"),
        (#"{"methodConfig": {}}"#, "methodConfig: must be an array, not object"),
        (#"{"methodConfig": [1]}"#, "methodConfig[0]: must be an object, not number"),
        (#"{"methodConfig": [{"name": [{"method": "M"}]}]}"#, "methodConfig[0].name[0].method: needs a service"),
        (
            #"{"methodConfig": [{"name": [{"service": 5}]}]}"#,
            "methodConfig[0].name[0].service: must be a string, not number"
        ),
        (
            #"{"methodConfig": [{"name": [{"service": "S"}]}, {"name": [{"service": "S"}]}]}"#,
            "methodConfig[1].name[0]: duplicate name S/*"
        ),
        (
            #"{"methodConfig": [{"name": [{}], "timeout": "soon"}]}"#,
            #"methodConfig[0].timeout: must be a duration string such as "1.5s", not "soon""#
        ),
        (
            #"{"methodConfig": [{"name": [{}], "timeout": 1.5}]}"#,
            #"methodConfig[0].timeout: must be a duration string such as "1.5s", not 1.5"#
        ),
        (#"{"methodConfig": [{"name": [{}], "timeout": "-1s"}]}"#, "methodConfig[0].timeout: must not be negative"),
        (
            #"{"methodConfig": [{"name": [{}], "waitForReady": "yes"}]}"#,
            "methodConfig[0].waitForReady: must be true or false"
        ),
        (
            #"{"methodConfig": [{"name": [{}], "maxRequestMessageBytes": -1}]}"#,
            "methodConfig[0].maxRequestMessageBytes: must be an integer in 0…4294967295"
        ),
        (
            #"{"methodConfig": [{"name": [{}], "maxResponseMessageBytes": 1.5}]}"#,
            "methodConfig[0].maxResponseMessageBytes: must be an integer in 0…4294967295"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 1, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": [14]}}]}"#,
            "methodConfig[0].retryPolicy.maxAttempts: must be an integer ≥ 2"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2.5, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": [14]}}]}"#,
            "methodConfig[0].retryPolicy.maxAttempts: must be an integer ≥ 2"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": [14]}}]}"#,
            "methodConfig[0].retryPolicy.maxAttempts: is required"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2, "initialBackoff": "0s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": [14]}}]}"#,
            "methodConfig[0].retryPolicy.initialBackoff: must be > 0"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 0, "retryableStatusCodes": [14]}}]}"#,
            "methodConfig[0].retryPolicy.backoffMultiplier: must be a number > 0"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": []}}]}"#,
            "methodConfig[0].retryPolicy.retryableStatusCodes: must list at least one status code"
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["NOPE"]}}]}"#,
            #"methodConfig[0].retryPolicy.retryableStatusCodes[0]: "NOPE" is not a status code name"#
        ),
        (
            #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": [17]}}]}"#,
            "methodConfig[0].retryPolicy.retryableStatusCodes[0]: must be a status code 0…16 or its name"
        ),
        (
            #"{"methodConfig": [{"hedgingPolicy": {"maxAttempts": 2}, "retryPolicy": {}}]}"#,
            "methodConfig[0].hedgingPolicy: cannot be given together with retryPolicy"
        ),
        (
            #"{"methodConfig": [{"hedgingPolicy": {"hedgingDelay": "1s"}}]}"#,
            "methodConfig[0].hedgingPolicy.maxAttempts: is required"
        ),
        (
            #"{"methodConfig": [{"hedgingPolicy": {"maxAttempts": 3, "hedgingDelay": "-1s"}}]}"#,
            "methodConfig[0].hedgingPolicy.hedgingDelay: must be ≥ 0"
        ),
        (
            #"{"methodConfig": [{"hedgingPolicy": {"maxAttempts": 3, "nonFatalStatusCodes": "UNAVAILABLE"}}]}"#,
            "methodConfig[0].hedgingPolicy.nonFatalStatusCodes: must be an array, not string"
        ),
        (
            #"{"loadBalancingConfig": [{"grpclb": {}}, {"xds": {}}]}"#,
            "loadBalancingConfig: names no supported policy (grpclb, xds); supported: pick_first, round_robin"
        ),
        (
            #"{"loadBalancingConfig": [{"round_robin": {}, "pick_first": {}}]}"#,
            "loadBalancingConfig[0]: must be an object with exactly one policy name"
        ),
        (
            #"{"loadBalancingConfig": [{"round_robin": []}]}"#,
            "loadBalancingConfig[0].round_robin: must be an object, not array"
        ),
        (
            #"{"retryThrottling": {"maxTokens": 0, "tokenRatio": 0.1}}"#,
            "retryThrottling.maxTokens: must be an integer in 1…1000"
        ),
        (#"{"retryThrottling": {"maxTokens": 10}}"#, "retryThrottling.tokenRatio: is required"),
        (
            #"{"retryThrottling": {"maxTokens": 10, "tokenRatio": -1}}"#,
            "retryThrottling.tokenRatio: must be a number > 0"
        ),
    ]

    @Test(arguments: invalid.indices) func rejectsWithTheKeyPath(_ k: Int) {
        let (json, expected) = Self.invalid[k]
        do {
            let config = try ServiceConfig(json: json)
            Issue.record("\(json) parsed: \(config)")
        } catch {
            #expect(error.description == expected, "\(json)")
        }
    }

    @Test func invalidJSONTextSaysWhere() {
        do {
            _ = try ServiceConfig(json: #"{"methodConfig": [}"#)
            Issue.record("parsed")
        } catch {
            #expect(error.path == "")
            #expect(
                error.description
                    == "invalid JSON: line 1, column 19 (offset 18): unexpected character '}', expected a value")
        }
    }

    @Test func swiftValuesWithARepeatedNameAreRejected() {
        #expect(throws: ServiceConfigError(path: "methodConfig[1].name[0]", reason: "duplicate name a.S/M")) {
            try ServiceConfig(methodConfigs: [
                MethodConfig(names: [.init(service: "a.S", method: "M")]),
                MethodConfig(names: [.init(service: "a.S", method: "M")]),
            ])
        }
    }

    @Test func parsesFromAJSONValue() throws {
        let value: JSONValue = ["methodConfig": [["name": [["service": "s.S"]], "waitForReady": true]]]
        let config = try ServiceConfig(json: value)
        #expect(config.methodConfig(forPath: "/s.S/X")?.waitForReady == true)
    }
}

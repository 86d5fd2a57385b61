// Measures, on one core, the cost per event of parsing a user.com request body, mapping it to a
// canonical event and on to a Flameup body, and serializing that body. Run through
// bench/mapping-bench.sh (release build, pinned to one CPU).
import Foundation
import SwitchboardCore
import SwitchboardDelivery
import SwitchboardMapping

let arguments = CommandLine.arguments
let mappingsFolder = arguments.count > 1 ? arguments[1] : "mappings"
let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
let roundCount = arguments.count > 3 ? max(1, Int(arguments[3]) ?? 5) : 5
/// `eager` builds every nested object while parsing, as a mapping that reads every field would
/// make happen, instead of keeping them as text until read.
let eager = arguments.count > 4 && arguments[4] == "eager"

let body = Array(#"{"name":"purchase_completed","timestamp":1700000123,"data":{"user":"user-000123","sent_at":1700000123,"plan":"pro","amount":49.99,"currency":"EUR","items":3,"source":"web","session_id":"s-8f14e45fceea167a","flags":{"beta":true,"trial":false},"tags":["a","b"],"ref":"campaign-2026-11"}}"#.utf8)
let set = try MappingSet.load(directory: mappingsFolder)
let decode = set.provider("usercom")!.receive.first { $0.name == "track" }!.decode!
let flameup = set.provider("flameup")!
let target = try DeliveryTarget(
    name: "flameup", provider: flameup, endpoint: flameup.send!.endpoint("track")!, url: nil, baseURL: nil,
    settings: ["workspaceId": "ws_bench"], secrets: ["token": Secret("t")], clock: SystemClock(), file: "bench")
let path: JSONValue = ["user_id": "user-000123"]
let emptyQuery = JSONValue.object(JSONObject())
let settings: JSONValue = ["workspaceId": "ws_bench"]  // a delivery target builds its settings once
let clock = SystemClock()

func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// One event through all three stages; returns the nanoseconds each took and the output size.
func measureOne() throws -> (parse: UInt64, map: UInt64, serialize: UInt64, bytes: Int) {
    let t0 = now()
    let parsed = eager ? try JSONParser.parseEagerly(body) : try JSONParser.parse(body)
    let t1 = now()
    let context = EvaluationContext(clock: clock, [("body", parsed), ("path", path), ("query", emptyQuery)])
    let event = try decode.apply(context)
    let encodeContext = EvaluationContext(clock: clock, [("event", .object(event)), ("settings", settings)])
    let outbound = try target.endpoint.encode!.apply(encodeContext)
    let t2 = now()
    let bytes = JSONWriter.bytes(.object(outbound))
    let t3 = now()
    return (t1 - t0, t2 - t1, t3 - t2, bytes.count)
}

struct Round {
    var parse: UInt64 = 0, map: UInt64 = 0, serialize: UInt64 = 0
    var total: UInt64 { parse + map + serialize }
}

func us(_ ns: UInt64) -> String { String(format: "%.2f", Double(ns) / Double(iterations) / 1000) }

for _ in 0..<(iterations / 10) { _ = try measureOne() }  // warm-up
var rounds: [Round] = []
var bytesOut = 0
for number in 1...roundCount {
    var round = Round()
    for _ in 0..<iterations {
        let one = try measureOne()
        round.parse += one.parse
        round.map += one.map
        round.serialize += one.serialize
        bytesOut = one.bytes
    }
    rounds.append(round)
    print("round=\(number) parse_us=\(us(round.parse)) map_us=\(us(round.map)) serialize_us=\(us(round.serialize)) total_us=\(us(round.total))")
}
let sorted = rounds.sorted { $0.total < $1.total }
let best = sorted[0]
print("events=\(iterations)x\(roundCount)\(eager ? " eager" : "") body_bytes=\(body.count) out_bytes=\(bytesOut)")
print("best: parse_us=\(us(best.parse)) map_us=\(us(best.map)) serialize_us=\(us(best.serialize)) total_us=\(us(best.total))")
print("median total_us=\(us(sorted[sorted.count / 2].total)) worst total_us=\(us(sorted[sorted.count - 1].total))")

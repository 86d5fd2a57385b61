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

let body = Array(#"{"name":"purchase_completed","timestamp":1700000123,"data":{"user":"user-000123","sent_at":1700000123,"plan":"pro","amount":49.99,"currency":"EUR","items":3,"source":"web","session_id":"s-8f14e45fceea167a","flags":{"beta":true,"trial":false},"tags":["a","b"],"ref":"campaign-2026-11"}}"#.utf8)
let set = try MappingSet.load(directory: mappingsFolder)
let decode = set.provider("usercom")!.receive.first!.decode
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

var parseNs: UInt64 = 0, mapNs: UInt64 = 0, serializeNs: UInt64 = 0, bytesOut = 0
for round in 0..<(iterations + iterations / 10) {
    let t0 = now()
    let parsed = try JSONParser.parse(body)
    let t1 = now()
    let context = EvaluationContext(clock: clock, [("body", parsed), ("path", path), ("query", emptyQuery)])
    let event = try decode.apply(context)
    let encodeContext = EvaluationContext(clock: clock, [("event", .object(event)), ("settings", settings)])
    let outbound = try target.endpoint.encode.apply(encodeContext)
    let t2 = now()
    let bytes = JSONWriter.bytes(.object(outbound))
    let t3 = now()
    if round >= iterations / 10 {  // the first tenth warms up
        parseNs += t1 - t0
        mapNs += t2 - t1
        serializeNs += t3 - t2
        bytesOut += bytes.count
    }
}
func us(_ ns: UInt64) -> String { String(format: "%.2f", Double(ns) / Double(iterations) / 1000) }
print("events=\(iterations) body_bytes=\(body.count) out_bytes=\(bytesOut / iterations)")
print("parse_us=\(us(parseNs)) map_us=\(us(mapNs)) serialize_us=\(us(serializeNs)) total_us=\(us(parseNs + mapNs + serializeNs))")

// libFuzzer target for compressed request bodies and JWT auth; see fuzz/README.md.
import SwitchboardFuzzing

@main struct FuzzRequests {
    static func main() {
        FuzzDriver.main { data, size in
            let bytes = Array(UnsafeBufferPointer(start: data, count: size))
            FuzzEntryPoints.inflate(bytes)
            FuzzEntryPoints.jwt(bytes)
            return 0
        }
    }
}

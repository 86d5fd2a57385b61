// libFuzzer target for the JSON parser and writer; see fuzz/README.md.
import SwitchboardFuzzing

@main struct FuzzJSONParser {
    static func main() {
        FuzzDriver.main { data, size in
            FuzzEntryPoints.parser(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        }
    }
}

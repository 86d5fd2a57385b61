import CCurl

/// A transfer's header lines as the `curl_slist` libcurl reads (`CURLOPT_HTTPHEADER`), in two
/// allocations: the lines' text, NUL-terminated one after another, and the list's nodes.
/// `curl_slist_append` took three per line (Swift's C string, libcurl's copy, the node).
/// libcurl does not copy the list, so it lives as long as its transfer.
final class CurlHeaderList {
    private let text: UnsafeMutableBufferPointer<CChar>
    private let nodes: UnsafeMutableBufferPointer<curl_slist>

    /// `lines`, then `last`.
    init(_ lines: [String], then last: StaticString) {
        let lastCount = last.utf8CodeUnitCount
        let total = lines.reduce(lastCount + 1) { $0 + $1.utf8.count + 1 }
        text = .allocate(capacity: total)
        nodes = .allocate(capacity: lines.count + 1)
        var offset = 0
        func add(_ bytes: UnsafeBufferPointer<UInt8>, node index: Int) {
            let start = text.baseAddress! + offset
            bytes.withMemoryRebound(to: CChar.self) { source in
                _ = UnsafeMutableBufferPointer(rebasing: text[offset..<offset + source.count]).initialize(from: source)
            }
            text[offset + bytes.count] = 0
            offset += bytes.count + 1
            let next = index + 1 < nodes.count ? nodes.baseAddress! + index + 1 : nil
            (nodes.baseAddress! + index).initialize(to: curl_slist(data: start, next: next))
        }
        for (index, line) in lines.enumerated() {
            var line = line
            line.withUTF8 { add($0, node: index) }
        }
        last.withUTF8Buffer { add($0, node: lines.count) }
    }

    deinit {
        text.deallocate()
        nodes.deallocate()
    }

    /// The list's head, for `CURLOPT_HTTPHEADER`.
    var head: UnsafeMutablePointer<curl_slist> { nodes.baseAddress! }
}

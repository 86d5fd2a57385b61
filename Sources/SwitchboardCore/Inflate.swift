import CZlib

/// zlib's inflate for request bodies: gzip, zlib ("deflate" in HTTP) or raw deflate, with a cap
/// on the output checked as it grows, so a small compressed body cannot fill memory.
public enum Inflate {
    public enum Format: Sendable {
        case gzip, zlib, rawDeflate

        /// zlib's window bits: 15 + 16 reads a gzip header, 15 a zlib one, -15 none.
        var windowBits: Int32 {
            switch self {
            case .gzip: 31
            case .zlib: 15
            case .rawDeflate: -15
            }
        }
    }

    public enum Outcome: Sendable, Equatable {
        case inflated([UInt8])
        /// More than the limit once inflated.
        case tooLarge
        /// Not data in this format (or cut short, or followed by other bytes).
        case invalid
    }

    public static func inflate(_ input: [UInt8], format: Format, limit: Int) -> Outcome {
        var stream = z_stream()
        guard sb_inflate_init(&stream, format.windowBits) == Z_OK else { return .invalid }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var input = input
        return input.withUnsafeMutableBufferPointer { inBuffer -> Outcome in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[..<produced])
                if output.count > limit { return .tooLarge }
                if status == Z_STREAM_END { return stream.avail_in == 0 ? .inflated(output) : .invalid }
                if status != Z_OK || (produced == 0 && stream.avail_in == 0) { return .invalid }
            }
        }
    }
}

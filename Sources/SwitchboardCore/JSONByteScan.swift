/// Finds the next byte inside a JSON string that needs attention, eight bytes at a time.
///
/// Each word of eight bytes is tested at once for the bytes in question (the "has less" and "has
/// zero byte" tricks from Bit Twiddling Hacks); only the last few bytes of the buffer are looked at
/// one by one.
enum JSONByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first byte at or after `start` that is a quote, a backslash, a control
    /// character, or (when `stopAtNonASCII`) a byte of a multi-byte UTF-8 sequence; `bytes.count`
    /// when there is none.
    @inline(__always)
    static func firstSpecial(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, stopAtNonASCII: Bool) -> Int {
        var i = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= bytes.count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                var flags = (word &- ones &* 0x20) & ~word  // a byte below 0x20
                flags |= hasZeroByte(word ^ (ones &* 0x22))  // '"'
                flags |= hasZeroByte(word ^ (ones &* 0x5C))  // '\'
                if stopAtNonASCII { flags |= word }
                flags &= highs
                // A borrow only runs upward from a byte that matched, so the lowest flag is a
                // true match (the word is read little-endian, so the lowest byte comes first).
                if flags != 0 { return i + flags.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (stopAtNonASCII && byte >= 0x80) {
                return i
            }
            i += 1
        }
        return i
    }

    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word
    }
}

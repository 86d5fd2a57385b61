import CZlib
import SwitchboardCore

extension FuzzEntryPoints {
    /// Request bodies that arrive compressed: any bytes inflate to at most the limit or are
    /// refused, in every format; and anything compressed by zlib inflates back to itself.
    public static func inflate(_ bytes: [UInt8]) {
        let limit = 1 << 16
        for format in [Inflate.Format.gzip, .zlib, .rawDeflate] {
            if case .inflated(let out) = Inflate.inflate(bytes, format: format, limit: limit), out.count > limit {
                fatalError("inflate gave more than its limit")
            }
        }
        var size = compressBound(uLong(bytes.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        guard compress2(&compressed, &size, bytes, uLong(bytes.count), Z_BEST_SPEED) == Z_OK else { fatalError("zlib could not compress") }
        let result = Inflate.inflate(Array(compressed.prefix(Int(size))), format: .zlib, limit: max(limit, bytes.count))
        guard result == .inflated(bytes) else { fatalError("compress → inflate changed the bytes") }
        if size > 2 {
            // Cut short, the stream is refused, never taken for the whole.
            guard Inflate.inflate(Array(compressed.prefix(Int(size) - 1)), format: .zlib, limit: limit) == .invalid else {
                fatalError("a truncated stream was accepted")
            }
        }
    }

    /// Auth tokens: any text is verified or refused without crashing, and a token signed for
    /// any claims verifies to the same claims.
    public static func jwt(_ bytes: [UInt8]) {
        let secret = Secret("fuzz-secret")
        _ = try? JWT.verify(Substring(decoding: bytes, as: UTF8.self), secrets: [secret], now: 0)
        guard case .object(var claims)? = try? JSONParser.parse(bytes) else { return }
        _ = claims.remove("exp")
        _ = claims.remove("nbf")
        let token = JWT.sign(claims, secret: secret)
        guard let verified = try? JWT.verify(Substring(token), secrets: [secret], now: 0), verified == claims else {
            fatalError("a signed token did not verify to its claims")
        }
        guard (try? JWT.verify(Substring(token), secrets: [Secret("another")], now: 0)) == nil else {
            fatalError("a token verified with the wrong secret")
        }
    }
}

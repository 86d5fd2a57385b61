import Foundation
import Testing

/// The apps' HTTP/1.1 endpoint, seen on the wire: keep-alive, pipelining, closing, HEAD and the
/// forms of request target.
@Suite(.serialized) struct HTTPServerTests {
    static func post(_ target: String = eventPath, user: String = "u1", headers: String = "", version: String = "1.1") -> String {
        let body = validEvent
        return "POST \(target.replacingOccurrences(of: "u1", with: user)) HTTP/\(version)\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Token \(GatewayHarness.appKey)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\(headers)\r\n\(body)"
    }

    /// The `userId` of each event Flameup received, in order.
    static func userIds(_ harness: GatewayHarness) -> [String?] {
        harness.flameup.requests.map { received in
            (try? JSONSerialization.jsonObject(with: Data(received.bodyText.utf8)) as? [String: Any])?["userId"] as? String
        }
    }

    @Test func pipelinedRequestsOnOneConnectionAreAnsweredInOrder() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post(user: "a") + Self.post(user: "b") + Self.post(user: "c"))
            for _ in 0..<3 {
                let response = try #require(await connection.response())
                #expect(response.statusLine == "HTTP/1.1 200 OK")
                #expect(response.headers["content-type"] == "application/json")
                #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
                #expect(response.headers["connection"] == nil)
            }
            #expect(harness.flameup.requests.count == 3)
            #expect(Self.userIds(harness) == ["a", "b", "c"])
        }
    }

    @Test func manyPipelinedRequestsAreAllAnsweredInOrder() async throws {
        // More than the handler keeps waiting before it stops reading, so reading pauses and resumes.
        try await withHarness { harness in
            let users = (0..<12).map { "p\($0)" }
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(users.map { Self.post(user: $0) }.joined())
            for _ in users { #expect(try #require(await connection.response()).statusLine == "HTTP/1.1 200 OK") }
            #expect(Self.userIds(harness) == users)
        }
    }

    @Test func aHalfClosedConnectionGetsEveryAnswerThenCloses() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post(user: "a") + Self.post(user: "b"))
            connection.finishSending()
            let first = try #require(await connection.response())
            #expect(first.statusLine == "HTTP/1.1 200 OK")
            #expect(first.headers["connection"] == nil)
            let last = try #require(await connection.response())
            #expect(last.statusLine == "HTTP/1.1 200 OK")
            #expect(last.headers["connection"] == "close")
            #expect(await connection.closedByServer())
            #expect(Self.userIds(harness) == ["a", "b"])
        }
    }

    @Test func aMalformedRequestBehindAPipelinedOneIsAnswered400InItsTurn() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post(user: "a") + "POST \(eventPath) HTTP/1.1\r\nContent-Length: x\r\n\r\n")
            #expect(try #require(await connection.response()).statusLine == "HTTP/1.1 200 OK")
            #expect(try #require(await connection.response()).statusLine.hasPrefix("HTTP/1.1 400"))
            #expect(await connection.closedByServer())
            #expect(Self.userIds(harness) == ["a"])
        }
    }

    @Test func connectionCloseIsAnsweredThenClosed() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post(headers: "Connection: close\r\n"))
            let response = try #require(await connection.response())
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(response.headers["connection"] == "close")
            #expect(await connection.closedByServer())
        }
    }

    @Test func http10ClosesUnlessAskedToKeepAlive() async throws {
        try await withHarness { harness in
            let once = try RawHTTPConnection(port: harness.port)
            once.send(Self.post(version: "1.0"))
            #expect(try #require(await once.response()).statusLine == "HTTP/1.0 200 OK")
            #expect(await once.closedByServer())

            let kept = try RawHTTPConnection(port: harness.port)
            kept.send(Self.post(headers: "Connection: keep-alive\r\n", version: "1.0"))
            #expect(try #require(await kept.response()).headers["connection"] == "keep-alive")
            kept.send(Self.post(user: "u2", headers: "Connection: keep-alive\r\n", version: "1.0"))
            #expect(try #require(await kept.response()).statusLine == "HTTP/1.0 200 OK")
            #expect(harness.flameup.requests.count == 3)
        }
    }

    @Test func headIsAnsweredWithoutABodyAndTheConnectionStaysUsable() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send("HEAD \(eventPath) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let head = try #require(await connection.response(bodyless: true))
            #expect(head.statusLine == "HTTP/1.1 405 Method Not Allowed")
            #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
            connection.send(Self.post())
            let next = try #require(await connection.response())
            #expect(next.statusLine == "HTTP/1.1 200 OK")
            #expect(next.body.contains("\"id\""))
        }
    }

    @Test func anAbsoluteFormTargetAndAChunkedBodyAreAccepted() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post("http://127.0.0.1:\(harness.port)\(eventPath)?source=app"))
            #expect(try #require(await connection.response()).statusLine == "HTTP/1.1 200 OK")
            let body = validEvent
            connection.send("POST \(eventPath.replacingOccurrences(of: "u1", with: "u2")) HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Token \(GatewayHarness.appKey)\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(body.utf8.count / 2, radix: 16) + "\r\n" + String(body.prefix(body.utf8.count / 2)) + "\r\n"
                + String(body.utf8.count - body.utf8.count / 2, radix: 16) + "\r\n" + String(body.dropFirst(body.utf8.count / 2))
                + "\r\n0\r\n\r\n")
            #expect(try #require(await connection.response()).statusLine == "HTTP/1.1 200 OK")
            #expect(Self.userIds(harness) == ["u1", "u2"])
        }
    }

    @Test func expectContinueIsAnsweredBeforeTheBody() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            let request = Self.post(headers: "Expect: 100-continue\r\n")
            let bodyStart = try #require(request.range(of: "\r\n\r\n")).upperBound
            connection.send(String(request[..<bodyStart]))
            #expect(try #require(await connection.response(bodyless: true)).statusLine == "HTTP/1.1 100 Continue")
            connection.send(String(request[bodyStart...]))
            #expect(try #require(await connection.response()).statusLine == "HTTP/1.1 200 OK")
            #expect(harness.flameup.requests.count == 1)
        }
    }

    @Test func aMalformedRequestGets400AndNothingIsForwarded() async throws {
        try await withHarness { harness in
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send("POST \(eventPath) HTTP/1.1\r\nContent-Length: x\r\n\r\n")
            #expect(try #require(await connection.response()).statusLine.hasPrefix("HTTP/1.1 400"))
            #expect(await connection.closedByServer())
            #expect(harness.flameup.requests.isEmpty)
            #expect(try harness.deliveries().isEmpty)
        }
    }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await withHarness { harness in
            await harness.stopGateway()
            harness.settings = #", "idleTimeoutMs": 300"#
            try await harness.startGateway()
            let silent = try RawHTTPConnection(port: harness.port)
            #expect(await silent.closedByServer())
            // A request stalled after its head is closed the same way, and nothing is journaled.
            let stalled = try RawHTTPConnection(port: harness.port)
            stalled.send("POST \(eventPath) HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            #expect(await stalled.closedByServer())
            #expect(try harness.deliveries().isEmpty)
        }
    }

    @Test func aForwardAnswerSlowerThanTheIdleTimeoutStillArrives() async throws {
        try await withHarness { harness in
            // The vendor hangs in the handshake until the 1 s connect timeout: the app's answer
            // comes after that, past the 300 ms idle timeout, on the same connection.
            let vendor = SilentListener()
            await harness.stopGateway()
            harness.settings = #", "idleTimeoutMs": 300"#
            harness.targetBaseURL = "https://127.0.0.1:\(vendor.port)"
            try await harness.startGateway()
            let connection = try RawHTTPConnection(port: harness.port)
            connection.send(Self.post())
            let response = try #require(await connection.response())
            #expect(response.statusLine == "HTTP/1.1 200 OK")
            #expect(try harness.deliveries([.pending]).count == 1)
            withExtendedLifetime(vendor) {}
        }
    }
}

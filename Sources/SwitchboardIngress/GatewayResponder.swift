import HTTPTypes
import Hummingbird
import NIOCore

/// Hands every HTTP request to the ingress pipeline; the pipeline's routes come from provider files.
public struct GatewayResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let pipeline: IngressPipeline

    public init(pipeline: IngressPipeline) {
        self.pipeline = pipeline
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let limit = pipeline.maxBodyBytes
        var body = ByteBuffer()
        var tooLarge = false
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            tooLarge = true
        }
        let headers = request.headers
        let inbound = InboundRequest(
            method: request.method.rawValue, path: Substring(request.uri.path), query: request.uri.query.map { Substring($0) },
            header: { name in HTTPField.Name(name).flatMap { headers[$0] } },
            body: Array(buffer: body), bodyTooLarge: tooLarge)
        let answer = await pipeline.handle(inbound)
        var fields: HTTPFields = [.contentType: "application/json"]
        if let seconds = answer.retryAfterSeconds { fields[.retryAfter] = String(seconds) }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

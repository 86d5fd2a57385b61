import Foundation
import SwitchboardCore

/// A strict stand-in for Gainsight PX's `POST /v1/events/custom`.
///
/// It checks the `X-APTRINSIC-API-KEY` header, the product key, the required `identifyId`,
/// `propertyKey`, `userType` (LEAD, USER, VISITOR or EMPTY_USER_TYPE) and `eventName`, that
/// `date` is an integer of epoch milliseconds, the optional strings and objects, and that every
/// attribute value is a scalar; it answers 201 with Spring's ResponseEntity wrapper.
public final class MockGainsightPX: MockVendor, @unchecked Sendable {
    public let key: String
    public let propertyKey: String

    public init(key: String, propertyKey: String) {
        self.key = key
        self.propertyKey = propertyKey
    }

    override public func answer(_ request: MockRequest) -> MockResponse {
        guard request.path == "/v1/events/custom" else { return Self.error(404, "Not Found", "No handler for \(request.path)") }
        guard request.method == "POST" else { return Self.error(405, "Method Not Allowed", "Request method '\(request.method)' not supported") }
        guard request.header("X-APTRINSIC-API-KEY") == key else { return Self.error(401, "Unauthorized", "Unauthorized or bad API Key") }
        if let next = scriptedAnswer() { return next }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return Self.error(415, "Unsupported Media Type", "Content type must be application/json")
        }
        guard let object = Self.jsonObject(request) else { return Self.error(400, "Bad Request", "JSON parse error") }
        for field in ["identifyId", "propertyKey", "eventName"] {
            guard case .string(let s)? = object[field], !s.isEmpty else { return Self.error(400, "Bad Request", "\(field) is required") }
        }
        guard object["propertyKey"]?.stringValue == propertyKey else { return Self.error(400, "Bad Request", "Unknown propertyKey") }
        guard let type = object["userType"]?.stringValue, ["LEAD", "USER", "VISITOR", "EMPTY_USER_TYPE"].contains(type) else {
            return Self.error(400, "Bad Request", "userType must be one of LEAD, USER, VISITOR, EMPTY_USER_TYPE")
        }
        if let date = object["date"], date.numberValue?.int64Value == nil { return Self.error(400, "Bad Request", "date must be an int64") }
        for field in ["eventId", "eventType", "sessionId", "accountId", "url", "referrer", "remoteHost"] {
            if let v = object[field], v.stringValue == nil { return Self.error(400, "Bad Request", "\(field) must be a string") }
        }
        for field in ["globalContext", "attributes"] {
            if let v = object[field], v.objectValue == nil { return Self.error(400, "Bad Request", "\(field) must be an object") }
        }
        if let attributes = object["attributes"]?.objectValue {
            if attributes.count > 50 { return Self.error(400, "Bad Request", "at most 50 attributes") }
            for member in attributes.members {
                switch member.value {
                case .object, .array: return Self.error(400, "Bad Request", "attribute \(member.key) must be a scalar")
                default: if member.key.count > 1_024 { return Self.error(400, "Bad Request", "attribute names are at most 1024 characters") }
                }
            }
        }
        if let next = scriptedAnswer(userId: object["identifyId"]?.stringValue) { return next }
        return MockResponse(status: 201, json: #"{"body":{},"statusCode":"CREATED","statusCodeValue":201}"#)
    }

    /// Spring Boot's error body.
    public static func error(_ status: Int, _ error: String, _ message: String) -> MockResponse {
        MockResponse(status: status, json: JSONWriter.string(["status": .integer(Int64(status)), "error": .string(error), "message": .string(message)]))
    }
}

import SwitchboardCore

/// The published JSON Schemas for mapping and provider files (`mappings/schema/`), generated from
/// the ``RuleKeys`` registry so editors complete and check exactly what the loader accepts.
public enum MappingSchema {
    static let base = "https://switchboard.dev/schema/"

    /// Definitions shared by both schemas: a rule and a condition.
    static var definitions: JSONValue {
        var properties = JSONObject()
        for key in RuleKeys.all {
            properties.append(key.name, descriptive(key.schema, key.summary))
        }
        let rule: JSONValue = [
            "type": "object",
            "description": .string("One output value: exactly one source key (\(RuleKeys.sourceNames.joined(separator: ", "))) and any modifiers."),
            "properties": .object(properties),
            "additionalProperties": false,
            "oneOf": .array(RuleKeys.sourceNames.map { ["required": [.string($0)]] }),
        ]
        return ["rule": rule, "condition": WhenKey.schema]
    }

    public static var mapping: JSONValue {
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string(base + "mapping.schema.json"),
            "title": "Switchboard mapping file",
            "description": "A decode mapping (vendor request → canonical event) or an encode mapping (canonical event → vendor request body). Generated from the rule registry; see docs/RULES.md.",
            "type": "object",
            "properties": [
                "$schema": ["type": "string"],
                "description": ["type": "string"],
                "kind": ["enum": ["decode", "encode"]],
                "provider": ["type": "string", "description": "The provider file's id."],
                "endpoint": ["type": "string", "description": "The provider's endpoint name."],
                "explode": ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"], "minItems": 1]],
                            "description": "Decode only: the path of an array in the request (or several, first present wins); one canonical event per element, read as `item` (position `index`)."],
                "batch": ["type": "boolean", "description": "Encode only: the mapping reads `events`, a list of canonical events, and builds one request for them."],
                "fields": ["type": "object", "additionalProperties": ["$ref": "#/$defs/rule"]],
                "examples": ["type": "array", "items": [
                    "type": "object",
                    "properties": [
                        "name": ["type": "string"], "input": ["type": "object"], "output": [:],
                        "error": ["type": "string"], "now": ["type": "string"],
                    ],
                    "required": ["input"],
                    "additionalProperties": false,
                ]],
            ],
            "required": ["kind", "provider", "endpoint", "fields"],
            "additionalProperties": false,
            "$defs": definitions,
        ]
    }

    public static var provider: JSONValue {
        let rateLimit: JSONValue = [
            "type": "object", "description": "The most requests the vendor allows per key; bursts wait in the journal.",
            "properties": ["requests": ["type": "integer", "minimum": 1], "perSeconds": ["type": "integer", "minimum": 1]],
            "required": ["requests", "perSeconds"], "additionalProperties": false,
        ]
        let errorKinds = JSONValue.array(ErrorAnswers.Kind.allCases.map { .string($0.rawValue) } + ["default"])
        let answer: JSONValue = [
            "type": "object",
            "properties": ["status": ["type": "integer", "minimum": 100, "maximum": 599], "body": ["$ref": "#/$defs/rule"]],
            "required": ["body"], "additionalProperties": false,
        ]
        let inbound: JSONValue = [
            "type": "object",
            "properties": [
                "method": ["type": "string"],
                "path": ["type": "string", "pattern": "^/"],
                "auth": ["type": "object", "properties": [
                    "header": ["type": "string"], "scheme": ["type": "string"],
                    "jwt": ["enum": ["HS256"], "description": "The header holds a JWT signed with one of the route's keys; its claims are readable as auth.NAME."],
                    "claims": ["type": "array", "items": ["type": "string"], "description": "Claims the JWT must carry."],
                ], "required": ["header"], "additionalProperties": false],
                "maxBodyBytes": ["type": "integer", "minimum": 1],
                "formField": ["type": "string", "description": "For a form body: the field whose value is the JSON body."],
                "decode": ["type": "string", "description": "A decode mapping file, relative to the mappings folder."],
                "list": [
                    "type": "object",
                    "description": "Instead of decode: the endpoint lists journaled events. filters (over query, path, auth) gives since/until (Unix ms), userId, events, context, offset, limit; item (over event, id, receivedAt) shows one event.",
                    "properties": ["filters": ["$ref": "#/$defs/rule"], "item": ["$ref": "#/$defs/rule"], "maxLimit": ["type": "integer", "minimum": 1]],
                    "required": ["filters", "item"], "additionalProperties": false,
                ],
                "answer": answer,
            ],
            "required": ["method", "path", "auth", "answer"], "additionalProperties": false,
        ]
        let outbound: JSONValue = [
            "type": "object",
            "properties": [
                "method": ["type": "string"],
                "path": ["type": "string", "description": "With {settings.NAME}, {event.NAME} (and after a 'before', {prior.NAME}) placeholders, percent-encoded."],
                "headers": ["type": "object", "additionalProperties": ["type": "string"]],
                "auth": ["type": "object", "properties": [
                    "header": ["type": "string"], "scheme": ["type": "string"], "secret": ["type": "string"],
                    "jwtClaims": ["type": "object", "additionalProperties": ["type": "string"],
                                  "description": "Send an HS256 JWT with these claims (templates over settings), signed with the secret."],
                ], "required": ["header", "secret"], "additionalProperties": false],
                "encode": ["type": "string", "description": "An encode mapping file, relative to the mappings folder; only a GET may have none."],
                "before": ["type": "string", "description": "Another endpoint sent first for every event; its answer is readable as prior."],
                "request": [
                    "type": "object",
                    "description": "The vendor's request body: the type of each top-level field, and which are required. The encode mapping is checked against it.",
                    "properties": [
                        "properties": ["type": "object", "additionalProperties": RuleCompiler.enumSchema(Rule.ValueType.self)],
                        "required": ["type": "array", "items": ["type": "string"]],
                    ],
                    "additionalProperties": false,
                ],
            ],
            "required": ["method", "path"], "additionalProperties": false,
        ]
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string(base + "provider.schema.json"),
            "title": "Switchboard provider file",
            "description": "One vendor's wire protocol: what Switchboard serves while standing in for it (receive) and how it calls it (send). See docs/MAPPINGS.md.",
            "type": "object",
            "properties": [
                "$schema": ["type": "string"],
                "description": ["type": "string"],
                "id": ["type": "string"],
                "name": ["type": "string"],
                "receive": [
                    "type": "object",
                    "properties": [
                        "endpoints": ["type": "object", "additionalProperties": inbound],
                        "errors": ["type": "object", "propertyNames": ["enum": errorKinds], "additionalProperties": [
                            "type": "object", "properties": ["status": ["type": "integer"], "body": ["$ref": "#/$defs/rule"]],
                            "required": ["body"], "additionalProperties": false,
                        ]],
                    ],
                    "additionalProperties": false,
                ],
                "send": [
                    "type": "object",
                    "properties": [
                        "baseURL": ["type": "string", "description": "May read settings, e.g. https://{settings.appSubdomain}.user.com."],
                        "regions": ["type": "object", "additionalProperties": ["type": "string"], "description": "Base URLs by region; a target picks one with 'region'."],
                        "rateLimit": rateLimit,
                        "rules": ["type": "array", "description": "What the vendor discards, left out before sending: drop (a condition), dedupe {key, withinSeconds} or throttle {key, max, perSeconds}, each with a name and an optional when.", "items": [
                            "type": "object",
                            "properties": [
                                "name": ["type": "string"], "when": ["$ref": "#/$defs/condition"], "drop": ["$ref": "#/$defs/condition"],
                                "dedupe": ["type": "object", "properties": ["key": ["type": "string"], "withinSeconds": ["type": "integer", "minimum": 1]],
                                           "required": ["key", "withinSeconds"], "additionalProperties": false],
                                "throttle": ["type": "object", "properties": ["key": ["type": "string"], "max": ["type": "integer", "minimum": 1],
                                                                              "perSeconds": ["type": "integer", "minimum": 1]],
                                             "required": ["key", "perSeconds"], "additionalProperties": false],
                            ],
                            "required": ["name"], "additionalProperties": false,
                        ]],
                        "settings": ["type": "array", "items": ["type": "string"]],
                        "errorMessage": ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]],
                        "endpoints": ["type": "object", "additionalProperties": outbound],
                    ],
                    "required": ["endpoints"],
                    "additionalProperties": false,
                ],
            ],
            "required": ["id"],
            "additionalProperties": false,
            "$defs": definitions,
        ]
    }

    private static func descriptive(_ schema: JSONValue, _ summary: String) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if object["$ref"] != nil { return ["allOf": [schema], "description": .string(summary)] }
        object.set("description", .string(summary))
        return .object(object)
    }
}

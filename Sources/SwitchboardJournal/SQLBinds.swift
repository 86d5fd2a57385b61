import NIOCore
import PostgresNIO

/// The values of one PostgreSQL statement, numbered as they are added: `add` returns the
/// placeholder (`$1`, `$2`, …) to write into the SQL.
struct SQLBinds {
    var bindings = PostgresBindings()

    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func add(bytes: [UInt8]) -> String {
        add(ByteBuffer(bytes: bytes))
    }
}

extension PostgresRandomAccessRow {
    /// Column `index` decoded as `type`.
    func at<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}

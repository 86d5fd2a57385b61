import Logging

/// swift-log's `StreamLogHandler` on standard error, except that metadata set on a logger is
/// only formatted when a message is written. (`StreamLogHandler` formats its metadata each time
/// a key is set, and Hummingbird, which serves the admin listener, sets a request id on every
/// request's logger: at the default level nothing is logged per request, yet that formatting
/// cost ~2 % of the CPU when the apps' requests went through Hummingbird too.)
struct StandardErrorLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level) {
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = level
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = event.metadata.map { metadata.merging($0) { _, new in new } } ?? metadata
        stream.log(event: event)
    }
}

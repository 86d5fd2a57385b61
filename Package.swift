// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Canonical event, JSON value type with its byte-level parser and writer, time, errors.
        .target(name: "SwitchboardCore", dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // Provider and mapping files: model, loader, evaluator.
        .target(name: "SwitchboardMapping", dependencies: ["SwitchboardCore"], swiftSettings: swiftSettings),
        // The durable record of accepted events and their deliveries: SQLite embedded, PostgreSQL for a fleet.
        .target(
            name: "SwitchboardJournal",
            dependencies: [
                "SwitchboardCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl, with static inline wrappers for its variadic functions.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // zlib, for request bodies sent with Content-Encoding gzip or deflate.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Forwarding over libcurl multi, classification, backoff, retries.
        .target(
            name: "SwitchboardDelivery",
            dependencies: [
                "SwitchboardCore", "SwitchboardMapping", "SwitchboardJournal", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP endpoints built from provider files, auth, answers in the vendor's format.
        .target(
            name: "SwitchboardIngress",
            dependencies: [
                "SwitchboardCore", "SwitchboardMapping", "SwitchboardJournal", "SwitchboardDelivery", "SwitchboardChannels",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the apps' server and the mock vendors' servers share over NIO: connections, answers.
        .target(
            name: "SwitchboardChannels",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Strict mock vendors over TLS, and the certificate authority they use.
        .target(
            name: "SwitchboardSandbox",
            dependencies: [
                "SwitchboardCore", "SwitchboardChannels",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // Config, wiring and lifecycle: the only place that knows every stage.
        .target(
            name: "SwitchboardApp",
            dependencies: [
                "SwitchboardCore", "SwitchboardMapping", "SwitchboardJournal", "SwitchboardDelivery",
                "SwitchboardIngress", "SwitchboardSandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            // jemalloc in place of glibc's malloc: the gateway allocates on one thread and frees
            // on another, which glibc's arenas handle slowly (docs/BENCHMARKS.md, "The allocator").
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        // Fuzzed entry points, shared by the libFuzzer targets (fuzz/README.md) and the tests.
        .target(name: "SwitchboardFuzzing", dependencies: ["SwitchboardCore", "SwitchboardMapping", "CZlib"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzJSONParser", dependencies: ["SwitchboardFuzzing"], swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(name: "FuzzMapping", dependencies: ["SwitchboardFuzzing", "SwitchboardMapping"], swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]),
        .executableTarget(name: "FuzzRequests", dependencies: ["SwitchboardFuzzing"], swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]),
        // bench/mapping-bench.sh: parse, map and serialize cost per event.
        .executableTarget(
            name: "MappingBench",
            dependencies: ["SwitchboardCore", "SwitchboardMapping", "SwitchboardDelivery"],
            swiftSettings: swiftSettings
        ),
        // Fault scenarios against a real gateway process (docs/DELIVERY.md); the tests run short ones.
        .target(
            name: "SwitchboardFaults",
            dependencies: ["SwitchboardCore", "SwitchboardDelivery", "SwitchboardJournal", "SwitchboardSandbox"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "FaultDriver", dependencies: ["SwitchboardFaults"], swiftSettings: swiftSettings),
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SwitchboardMappingTests",
            dependencies: ["SwitchboardMapping", "SwitchboardFuzzing"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardJournalTests",
            dependencies: ["SwitchboardJournal", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardDeliveryTests",
            dependencies: [
                "SwitchboardCore", "SwitchboardDelivery", "SwitchboardJournal", "SwitchboardSandbox",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardEndToEndTests",
            dependencies: ["SwitchboardApp", "SwitchboardSandbox", "SwitchboardFaults", "switchboard"],
            swiftSettings: swiftSettings
        ),
    ]
)

// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Proctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proctor", targets: ["ProctorCLI"]),
        .library(name: "ProctorCore", targets: ["ProctorCore"]),
        .library(name: "ProctorLlama", targets: ["ProctorLlama"]),
        .library(name: "ProctorOpenAI", targets: ["ProctorOpenAI"]),
        .library(name: "ProctorSQLite", targets: ["ProctorSQLite"]),
        .library(name: "ProctorPostgres", targets: ["ProctorPostgres"]),
        .library(name: "ProctorTesting", targets: ["ProctorTesting"]),
        .library(name: "ProctorMetrics", targets: ["ProctorMetrics"]),
        .library(name: "ProctorJudge", targets: ["ProctorJudge"]),
        .library(name: "ProctorBench", targets: ["ProctorBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.0.0"..<"7.0.0"),
    ],
    targets: [
        // Sendable value types and protocols; no I/O adapters.
        .target(
            name: "ProctorCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The default result store: SQLite through GRDB.
        .target(name: "ProctorSQLite", dependencies: ["ProctorCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // The shared result store for teams: PostgreSQL through postgres-nio's connection pool.
        .target(
            name: "ProctorPostgres",
            dependencies: [
                "ProctorCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Reference metrics (exact match, F1, ROUGE, BLEU, chrF, classification report, format
        // compliance): pure functions behind the core `Metric` protocol.
        .target(name: "ProctorMetrics", dependencies: ["ProctorCore"]),
        // LLM-as-judge: single, batch, pairwise, reference-guided and multi-turn grading; noise,
        // bias and agreement.
        .target(
            name: "ProctorJudge",
            dependencies: [
                "ProctorCore", .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Prompts")]
        ),
        // Benchmarks: declarative YAML task files, dataset loaders, lm-eval-compatible prompts,
        // per-sample scoring and aggregation.
        .target(
            name: "ProctorBench",
            dependencies: [
                "ProctorCore", .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Tasks")]
        ),
        // In-process llama.cpp, loaded at run time so `swift build` needs no runtime.
        .target(
            name: "ProctorLlama",
            dependencies: ["ProctorCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Any OpenAI-compatible server over HTTP.
        .target(
            name: "ProctorOpenAI",
            dependencies: [
                "ProctorCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Test doubles: a scripted OpenAI-compatible server and in-memory backends.
        .target(
            name: "ProctorTesting",
            dependencies: [
                "ProctorCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "ProctorCLI",
            dependencies: [
                "ProctorCore", "ProctorLlama", "ProctorOpenAI", "ProctorSQLite", "ProctorPostgres",
                "ProctorMetrics", "ProctorJudge", "ProctorBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A scripted OpenAI-compatible server as a program, for benchmarks (scripts/bench).
        .executableTarget(
            name: "proctor-scripted-server", dependencies: ["ProctorTesting"], path: "Benchmarks/ScriptedServer"),
        // What recording costs per request, without HTTP or a model (scripts/bench/store-overhead.sh).
        .executableTarget(
            name: "proctor-store-bench", dependencies: ["ProctorCore", "ProctorSQLite"], path: "Benchmarks/StoreBench"),
        .testTarget(
            name: "ProctorCoreTests",
            dependencies: ["ProctorCore", "ProctorTesting", .product(name: "Logging", package: "swift-log")]
        ),
        // The result-store behaviour suite, run against SQLite and PostgreSQL
        // (PostgreSQL at $PROCTOR_TEST_POSTGRES_URL; `make test` starts a local server).
        .testTarget(
            name: "ProctorStoreTests",
            dependencies: [
                "ProctorCore", "ProctorSQLite", "ProctorPostgres", "ProctorTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProctorLlamaTests", dependencies: ["ProctorLlama", "ProctorCore"]),
        .testTarget(
            name: "ProctorOpenAITests",
            dependencies: [
                "ProctorOpenAI", "ProctorCore", "ProctorTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ProctorMetricsTests", dependencies: ["ProctorMetrics", "ProctorCore"]),
        .testTarget(name: "ProctorJudgeTests", dependencies: ["ProctorJudge", "ProctorCore", "ProctorTesting"]),
        .testTarget(
            name: "ProctorBenchTests", dependencies: ["ProctorBench", "ProctorCore", "ProctorTesting"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ProctorCLITests", dependencies: ["ProctorCore", "ProctorTesting", "ProctorSQLite"]),
    ],
    swiftLanguageModes: [.v6]
)

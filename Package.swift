// swift-tools-version: 6.1
// Mosaic: measure, diagnose and reduce segregation across schools, within schools
// and inside classrooms. One package, one target per layer (see ../shared/DESIGN.md).
import PackageDescription

let package = Package(
    name: "Mosaic",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mosaic", targets: ["mosaic"]),
        .library(name: "MosaicMetrics", targets: ["MosaicMetrics"]),
        .library(name: "MosaicCore", targets: ["MosaicCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Browser uploads (multipart/form-data): the applications file, a term's roster zip.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // The domain: organisations, school years, demographic dimensions. Value types, no I/O.
        // Optimised in debug builds too: the disclosure decision's linear programs run
        // behind every public page and test, and unoptimised they are 30x slower.
        .target(name: "MosaicCore", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The numbers library: every index over a units × groups count matrix. No domain types, no I/O.
        .target(name: "MosaicMetrics"),
        // Reading files: RFC 4180 CSV, aggregate count tables, the NYC demographic snapshot.
        // Resources: the guidebook's actions (a copy of ../shared/data/actions.json), shipped with the product.
        .target(name: "MosaicImport", dependencies: ["MosaicCore", "MosaicMetrics", "MosaicBoundaries", "ZIPFoundation"], resources: [.copy("Resources")]),
        // School choice: deferred acceptance, top trading cycles and Boston, with reserves. Pure, no I/O.
        .target(name: "MosaicChoice", dependencies: ["MosaicCore", "MosaicMetrics"]),
        // Scheduling for diverse classrooms: the schedule audit, student sectioning, class lists.
        .target(name: "MosaicSchedule", dependencies: ["MosaicCore", "MosaicMetrics"]),
        // Attendance zones and school pairings: local search within travel, size and contiguity limits. Pure, no I/O.
        .target(name: "MosaicBoundaries", dependencies: ["MosaicCore", "MosaicMetrics",
                                                        .product(name: "HeapModule", package: "swift-collections")]),
        // A term's roster turned into findings: the three levels, advanced coursework, root causes.
        .target(name: "MosaicDiagnostic", dependencies: ["MosaicCore", "MosaicMetrics"]),
        // Rendering results: JSON exactly per the contracts, terminal tables, the HTML report.
        .target(name: "MosaicReport", dependencies: ["MosaicDiagnostic", "MosaicMetrics", "MosaicCore", "MosaicSchedule", "MosaicBoundaries", "MosaicChoice"], resources: [.copy("Resources")]),
        // Persistence behind one protocol: in memory (tests), a SQLite file (the embedded
        // default) and PostgreSQL (the shared deployment). Every table carries district_id.
        .target(
            name: "MosaicStore",
            dependencies: [
                "MosaicCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The running service: dashboard pages, the JSON API, accounts, roles and scopes
        // (Hummingbird 2). It shows what the store keeps; it computes no index itself.
        .target(
            name: "MosaicServer",
            dependencies: [
                "MosaicCore", "MosaicDiagnostic", "MosaicReport", "MosaicStore", "MosaicChoice", "MosaicImport", "MosaicMetrics",
                "MosaicSchedule", "MosaicBoundaries",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ]
        ),
        // The demo store: a synthetic district over four school years with example plan,
        // rounds, enrichment, schedule review and boundary scenarios, and the real NYC districts.
        .target(
            name: "MosaicDemo",
            dependencies: ["MosaicCore", "MosaicMetrics", "MosaicImport", "MosaicDiagnostic", "MosaicStore", "MosaicServer",
                           "MosaicChoice", "MosaicSchedule", "MosaicBoundaries"]
        ),
        // The command line: a thin shell over the libraries.
        .executableTarget(
            name: "mosaic",
            dependencies: [
                "MosaicCore", "MosaicMetrics", "MosaicImport", "MosaicDiagnostic", "MosaicReport", "MosaicStore", "MosaicServer",
                "MosaicChoice", "MosaicSchedule", "MosaicBoundaries", "MosaicDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fixture loading, approximate comparison and the path to the built binary, for tests only.
        .target(
            name: "MosaicTestSupport",
            dependencies: ["MosaicStore", .product(name: "Numerics", package: "swift-numerics"), .product(name: "Logging", package: "swift-log")],
            path: "Sources/MosaicTestSupport"
        ),
        .testTarget(name: "MosaicCoreTests", dependencies: ["MosaicCore", "MosaicTestSupport"]),
        .testTarget(
            name: "MosaicMetricsTests",
            dependencies: ["MosaicMetrics", "MosaicTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "MosaicImportTests",
            dependencies: ["MosaicImport", "MosaicTestSupport", "ZIPFoundation"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "MosaicDiagnosticTests", dependencies: ["MosaicDiagnostic", "MosaicImport", "MosaicTestSupport"]),
        .testTarget(name: "MosaicReportTests", dependencies: ["MosaicCore", "MosaicReport", "MosaicDiagnostic", "MosaicImport", "MosaicTestSupport"]),
        .testTarget(
            name: "MosaicServerTests",
            dependencies: [
                "MosaicServer", "MosaicStore", "MosaicImport", "MosaicDiagnostic", "MosaicDemo", "MosaicTestSupport", "ZIPFoundation",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Snapshots"]   // read by path (PageSnapshotTests), re-recorded in place
        ),
        .testTarget(name: "MosaicStoreTests", dependencies: ["MosaicStore", "MosaicImport", "MosaicTestSupport"]),
        .testTarget(name: "MosaicChoiceTests", dependencies: ["MosaicChoice", "MosaicMetrics", "MosaicTestSupport"]),
        .testTarget(name: "MosaicBoundariesTests", dependencies: ["MosaicBoundaries", "MosaicMetrics", "MosaicTestSupport"]),
        .testTarget(name: "MosaicScheduleTests", dependencies: ["MosaicSchedule", "MosaicTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "mosaicTests",
            dependencies: ["mosaic", "MosaicTestSupport", "MosaicStore", "MosaicDiagnostic", "MosaicSchedule"],
            exclude: ["Snapshots"],   // read by path (Support.swift), re-recorded in place
            resources: [.copy("Fixtures")]
        ),
    ]
)

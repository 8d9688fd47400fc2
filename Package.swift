// swift-tools-version:6.1
// chaos-test: finds where a Python web app breaks under failure and proposes reviewable fixes.
// One library target per pipeline stage; dependencies point one way (see shared STYLE.md).
import PackageDescription

let package = Package(
    name: "chaos-test",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chaos-test", targets: ["chaos-test"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", exact: "1.0.2"),
    ],
    targets: [
        // The JSON files that pass between stages (CONTRACTS.md in code).
        .target(name: "Artifacts"),
        // Python tokens and structure; knows nothing about web frameworks.
        .target(name: "PythonSource"),
        // Routes, dependency calls and the call graph that joins them.
        .target(name: "Discovery", dependencies: ["PythonSource", "Artifacts"]),
        // libxml2 as a system library (pkg-config libxml-2.0).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // Safe, read-only XML documents and a writer, over libxml2.
        .target(name: "XML", dependencies: ["CLibXML2"]),
        // CI formats: JUnit and Cobertura in, JUnit and SARIF out.
        .target(name: "TestEvidence", dependencies: ["XML", "Artifacts", "Patching"]),
        // Request plans, the HTTP engine, the recorder and the load-results.json streams.
        .target(
            name: "LoadGen",
            dependencies: [
                "Artifacts",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Unified diffs (make, parse, apply, reverse) and transactional, locked, contained file writes.
        .target(
            name: "Patching",
            dependencies: ["Artifacts", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Chaos plan -> hooks -> patches + chaos-config.json; ships the Python runtime.
        .target(
            name: "Injection",
            dependencies: ["Artifacts", "PythonSource", "Patching"],
            resources: [.copy("Resources/chaos_test_runtime.py")]
        ),
        // Statistics, attribution of failures to faults, tracebacks, pattern detectors.
        .target(
            name: "Analysis",
            dependencies: ["Artifacts", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
        // The Markdown/JSON report and its SVG charts, from a run folder's artifacts.
        .target(name: "Reports", dependencies: ["Artifacts"]),
        // Recipes -> ranked fix proposals.
        .target(name: "Comparison", dependencies: ["Artifacts", "Analysis"]),
        .target(name: "Fixes", dependencies: ["Artifacts", "PythonSource", "Patching", "Injection"]),
        // `load --engine locust`: the plan as a locustfile, Locust's master and workers, records converted.
        // Processes on this machine: alive or not, a free loopback port, a child's environment.
        .target(name: "LocalProcess", dependencies: [.product(name: "Subprocess", package: "swift-subprocess")]),
        .target(
            name: "Locust",
            dependencies: [
                "Artifacts", "LoadGen", "LocalProcess", .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            resources: [.copy("Resources/locustfile_template.py")]
        ),
        // The live monitor of a run: figures, faults fired and alerts read from the logs as they grow.
        .target(name: "Monitor", dependencies: ["Artifacts"]),
        // `run`: phases, deadlines, the app's processes.
        .target(
            name: "Pipeline",
            dependencies: [
                "Artifacts", "Discovery", "Patching", "Injection", "LoadGen", "Analysis", "Fixes", "Comparison", "Reports",
                "Monitor", "TestEvidence", "LocalProcess", .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "chaos-test",
            dependencies: [
                "Artifacts", "Discovery", "LoadGen", "Patching", "Injection", "Analysis", "Fixes", "Comparison", "Reports",
                "Pipeline", "Locust", "Monitor", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "scan-benchmark",
            dependencies: ["Discovery", "PythonSource"],
            path: "Sources/scan-benchmark"
        ),
        // Figures for issue 7: the JUnit reader vs xmllint and Python's xml.etree on 100,000 test cases.
        .executableTarget(name: "xml-benchmark", dependencies: ["TestEvidence", "XML"], path: "Sources/xml-benchmark"),
        // Figures for issue 4: chaos-test load vs wrk, and the recorder's memory on a million records.
        .executableTarget(
            name: "load-benchmark",
            dependencies: [
                "Artifacts", "LoadGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Sources/load-benchmark",
            exclude: ["README.md"]
        ),
        .testTarget(
            name: "LoadGenTests", dependencies: ["LoadGen", "Artifacts", "TestSupport"],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "CLibXML2Tests", dependencies: ["CLibXML2"]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "Artifacts"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LocustTests",
            dependencies: ["Locust", "LoadGen", "Artifacts", "Discovery", "Injection", "Patching", "TestSupport"]),
        .testTarget(name: "XMLTests", dependencies: ["XML"]),
        .testTarget(name: "TestEvidenceTests", dependencies: ["TestEvidence", "XML", "Artifacts", "TestSupport"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Fixes", "Comparison", "Artifacts", "PythonSource", "Monitor", "TestSupport", "TestEvidence",
            ]),
        // Helpers the test targets share: temporary folders, running programs.
        .target(
            name: "TestSupport",
            dependencies: ["LocalProcess", .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/TestSupport"),
        .testTarget(name: "PatchingTests", dependencies: ["Patching", "TestSupport"]),
        .testTarget(
            name: "FixesTests", dependencies: ["Fixes", "Discovery", "Patching", "Injection", "Artifacts", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ComparisonTests", dependencies: ["Comparison", "Artifacts", "TestSupport"]),
        .testTarget(
            name: "InjectionTests", dependencies: ["Injection", "Patching", "Artifacts", "PythonSource", "TestSupport"]
        ),
        .testTarget(
            name: "PythonSourceTests", dependencies: ["PythonSource"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "AnalysisTests", dependencies: ["Analysis", "Artifacts"], resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SamplesTests", path: "Tests/SamplesTests", exclude: ["Fixtures"]),
        .testTarget(
            name: "DiscoveryTests", dependencies: ["Discovery", "Artifacts", "PythonSource"],
            exclude: ["Golden"], resources: [.copy("Resources")]
        ),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Artifacts"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)

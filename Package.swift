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
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
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
        .executableTarget(
            name: "chaos-test",
            dependencies: [
                "Artifacts", "Discovery",
                "Patching",
                "Injection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "scan-benchmark",
            dependencies: ["Discovery", "PythonSource"],
            path: "Benchmarks/scan-benchmark"
        ),
        .testTarget(name: "CLibXML2Tests", dependencies: ["CLibXML2"]),
        .testTarget(name: "PatchingTests", dependencies: ["Patching"]),
        .testTarget(
            name: "InjectionTests", dependencies: ["Injection", "Patching", "Artifacts", "PythonSource"]
        ),
        .testTarget(
            name: "PythonSourceTests", dependencies: ["PythonSource"],
            resources: [.copy("Resources")]
        ),
        .testTarget(name: "SamplesTests", path: "Tests/SamplesTests", exclude: ["Fixtures"]),
        .testTarget(
            name: "DiscoveryTests", dependencies: ["Discovery", "Artifacts", "PythonSource"],
            resources: [.copy("Resources")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

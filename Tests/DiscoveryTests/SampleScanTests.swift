import Artifacts
import Discovery
import Foundation
import Testing

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite struct SampleScanTests {
    static let samples = ["orbital-travel-planner", "flask-inventory"]

    /// `scan --json` of each sample equals its golden file. Re-record with CHAOS_TEST_RECORD=1
    /// and review the diff.
    @Test(arguments: samples) func scanMatchesTheGoldenFile(sample: String) throws {
        let result = try Scanner.scan(ScanOptions(root: repositoryRoot.appendingPathComponent("Samples/\(sample)")))
        let actual = try ArtifactJSON.encode(result)
        let golden = repositoryRoot.appendingPathComponent("Tests/DiscoveryTests/Golden/\(sample).scan.json")
        if ProcessInfo.processInfo.environment["CHAOS_TEST_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: golden)
        }
        let expected = try Data(contentsOf: golden)
        #expect(
            String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self),
            "scan of Samples/\(sample) differs from \(golden.lastPathComponent); re-record with CHAOS_TEST_RECORD=1 if the change is right")
    }

    @Test func orbitalRoutesAndTheCallsTheyReach() throws {
        let result = try Scanner.scan(ScanOptions(root: repositoryRoot.appendingPathComponent("Samples/orbital-travel-planner")))
        let main = result.routes.filter { $0.app == "app.main:app" }
        #expect(
            Set(main.flatMap(\.endpointKeys)) == [
                "POST /api/search", "POST /api/bookings", "GET /api/bookings/{booking_id}",
                "POST /api/bookings/{booking_id}/confirm", "DELETE /api/bookings/{booking_id}", "GET /healthz",
            ])
        #expect(Set(result.apps.map(\.id)) == ["app.main:app", "provider.main:app"])
        let providerCalls = result.dependencies.filter { $0.file == "app/provider_client.py" }
        #expect(providerCalls.allSatisfy { $0.kind == .http && $0.library == "httpx" })
        #expect(providerCalls.first { $0.httpMethod == "GET" && $0.routes == ["POST /api/search"] } != nil)
        #expect(providerCalls.first { $0.httpMethod == "POST" && $0.routes == ["POST /api/bookings"] } != nil)
        let sqlite = result.dependencies.filter { $0.library == "sqlite3" }
        #expect(!sqlite.isEmpty)
        #expect(Set(sqlite.flatMap(\.routes)).isSuperset(of: ["POST /api/bookings", "GET /api/bookings/{booking_id}"]))
    }

    @Test func flaskInventoryRoutesAndTheCallsTheyReach() throws {
        let result = try Scanner.scan(ScanOptions(root: repositoryRoot.appendingPathComponent("Samples/flask-inventory")))
        #expect(result.apps.contains { $0.id == "inventory:create_app()" && $0.factory })
        let supplier = try #require(result.dependencies.first { $0.library == "requests" })
        #expect(supplier.routes == ["POST /api/items/{item_id}/restock"])
        #expect(supplier.hasTimeout == false)
        #expect(result.dependencies.contains { $0.library == "sqlite3" && $0.routes.contains("GET /api/items") })
    }
}

/// The samples' own runtime route tables are the oracle: FastAPI's and Flask's, read by
/// `route_oracle.py` in each sample's virtualenv. Scan must find exactly those routes, at the
/// same `def` lines.
@Suite(.serialized) struct RuntimeRouteOracleTests {
    struct OracleRoute: Decodable, Hashable {
        var methods: [String]
        var path: String
        var function: String
        var file: String
        var line: Int
    }

    static let apps: [(sample: String, app: String, scanApp: String)] = [
        ("orbital-travel-planner", "app.main:app", "app.main:app"),
        ("orbital-travel-planner/provider", "main:app", "provider.main:app"),
        ("flask-inventory", "inventory:create_app()", "inventory:create_app()"),
        ("flask-inventory/supplier", "main:app", "supplier.main:app"),
    ]

    @Test(arguments: 0..<apps.count) func scanFindsExactlyTheRuntimeRoutes(index: Int) throws {
        let (folder, appID, scanApp) = Self.apps[index]
        let sampleName = String(folder.split(separator: "/").first!)
        let sampleRoot = repositoryRoot.appendingPathComponent("Samples/\(sampleName)")
        let python = sampleRoot.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "\(python.path) does not exist: run .ci/setup-python first")
        let oracle = try #require(Bundle.module.url(forResource: "Resources/route_oracle", withExtension: "py"))
        let process = Process()
        process.executableURL = python
        process.arguments = [oracle.path, repositoryRoot.appendingPathComponent("Samples/\(folder)").path, appID]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "route_oracle.py failed for \(folder) \(appID)")
        let prefix = folder.contains("/") ? String(folder.split(separator: "/")[1]) + "/" : ""
        let runtime = Set(try JSONDecoder().decode([OracleRoute].self, from: data).map {
            OracleRoute(methods: $0.methods.sorted(), path: $0.path, function: $0.function, file: prefix + $0.file, line: $0.line)
        })

        let result = try Scanner.scan(ScanOptions(root: sampleRoot))
        let scanned = Set(result.routes.filter { $0.app == scanApp }.map {
            OracleRoute(methods: $0.methods.sorted(), path: $0.path, function: $0.function, file: $0.file, line: $0.line)
        })
        #expect(!runtime.isEmpty)
        #expect(scanned == runtime, "only at runtime: \(runtime.subtracting(scanned)); only in scan: \(scanned.subtracting(runtime))")
    }
}

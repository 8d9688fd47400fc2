import Foundation

/// Where the samples and the test resources are, found from this file's own path so the
/// tests work from any working directory and in a fresh clone.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SamplesTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func sample(_ name: String) -> URL {
        root.appendingPathComponent("Samples").appendingPathComponent(name)
    }

    static let routeOracle: URL = root.appendingPathComponent("Tests/DiscoveryTests/Resources/route_oracle.py")

    /// The sample's virtualenv python; a missing venv is a setup step the developer skipped,
    /// so it fails with the command that fixes it rather than skipping.
    static func python(forSample name: String) throws -> String {
        let python = sample(name).appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw SetupError(message: "\(python) does not exist: run .ci/setup-python first")
        }
        return python
    }
}

struct SetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

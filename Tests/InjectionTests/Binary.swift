import Foundation
import TestSupport

/// The chaos-test executable built beside the tests.
enum Binary {
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["CHAOS_TEST_BINARY"] { return explicit }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/chaos-test").path
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        try TestSupport.run(path, arguments, environment: environment)
    }
}

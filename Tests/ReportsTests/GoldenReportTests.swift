import Foundation
import Testing

@testable import Reports

/// The fixture run's report, byte for byte. Re-record with
/// `CHAOS_TEST_RECORD=1 swift test --filter GoldenReportTests` and review the diff.
@Suite struct GoldenReportTests {
    private static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/fixtureRunReport.md")

    @Test func fixtureRunReport() throws {
        let produced = try RunFolderFixture.make().withFolder { folder in
            try Data(contentsOf: ReportWriter.write(runFolder: folder, format: .md))
        }
        if ProcessInfo.processInfo.environment["CHAOS_TEST_RECORD"] == "1" {
            try FileManager.default.createDirectory(
                at: Self.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try produced.write(to: Self.golden)
        }
        let expected = try Data(contentsOf: Self.golden)
        #expect(
            produced == expected,
            "the report differs from \(Self.golden.path); if the change is intended, re-record with CHAOS_TEST_RECORD=1 and review the diff")
    }
}

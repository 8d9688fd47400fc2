import Artifacts
import Foundation
import Patching
import TestSupport
import Testing

@testable import Injection

/// A read of a file the app ships (scan.json `bundled`) and a sleep get no fault: production
/// does not fail there, and a finding about them would be about nothing.
struct BundledOpenPlanTests {
    @Test func bundledOpensAndSleepsGetNoPoint() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        var scan = FixtureApp.scan
        // The planner decides on the record alone; reuse the fixture's call sites.
        scan.dependencies[0].kind = .filesystem
        scan.dependencies[0].library = "builtins"
        scan.dependencies[0].bundled = true
        scan.dependencies[1].kind = .sleep
        scan.dependencies[1].library = "time"
        let plan = try Injector.inject(root: AppRoot(dir.path), scan: scan, options: InjectOptions(seed: 1), dryRun: true)
        let dependencyLines = plan.config.points.filter { $0.kind == .dependency }.map { "\($0.file):\($0.line)" }
        #expect(!dependencyLines.contains("shop/api.py:16"))
        #expect(!dependencyLines.contains("shop/tabs.py:7"))

        // The same call, not bundled, is a real file open and gets its point.
        scan.dependencies[0].bundled = false
        let real = try Injector.inject(root: AppRoot(dir.path), scan: scan, options: InjectOptions(seed: 1), dryRun: true)
        #expect(real.config.points.contains { $0.kind == .dependency && $0.file == "shop/api.py" && $0.line == 16 })
    }
}

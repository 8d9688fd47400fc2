import Artifacts
import Foundation
import TestSupport
import Patching
import Testing

@testable import Injection

/// `memory` and `cpu` (issue 8.5a) are opt-in and go on handler hooks only; their sizes are
/// written to settings.json only when one of them is chosen, so existing settings stay as they were.
struct ResourceFaultPlanTests {
    @Test func resourceFaultsAreOptInAndHandlerOnly() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let plain = try Injector.inject(root: AppRoot(dir.path), scan: FixtureApp.scan, options: InjectOptions(seed: 1), dryRun: true)
        #expect(plain.config.defaults.faults == FaultKind.defaultKinds)
        #expect(plain.config.points.allSatisfy { !$0.fault.faults.contains(.memory) && !$0.fault.faults.contains(.cpu) })

        var options = InjectOptions(faults: [.cpu, .memory, .dependency], seed: 1)
        options.resources = ChaosSettings.Resources(memoryMb: 32, holdUs: 100_000, memoryCapMb: 64, cpuUs: 20_000)
        _ = try Injector.inject(root: AppRoot(dir.path), scan: FixtureApp.scan, options: options, dryRun: false)
        let settings = try ArtifactJSON.decode(ChaosSettings.self, from: Data(try #require(dir.read(".chaos-test/settings.json"))))
        #expect(settings.default.faults == [.dependency, .memory, .cpu])
        #expect(settings.default.memoryMb == 32 && settings.default.holdUs == 100_000)
        #expect(settings.default.memoryCapMb == 64 && settings.default.cpuUs == 20_000)
        let handlers = settings.points.values.filter { $0.kind == .handler }
        let dependencies = settings.points.values.filter { $0.kind == .dependency }
        #expect(!handlers.isEmpty && handlers.allSatisfy { $0.faults == [.memory, .cpu] })
        #expect(!dependencies.isEmpty && dependencies.allSatisfy { $0.faults == [.dependency] })
        _ = try Injector.revert(root: AppRoot(dir.path))

        // Without a resource fault the keys stay out of settings.json.
        _ = try Injector.inject(root: AppRoot(dir.path), scan: FixtureApp.scan, options: InjectOptions(seed: 1), dryRun: false)
        let text = String(decoding: try #require(dir.read(".chaos-test/settings.json")), as: UTF8.self)
        #expect(!text.contains("memory_mb") && !text.contains("cpu_us"))
    }

    @Test func unknownFaultNamesListTheNewKinds() {
        #expect(throws: InjectionError.self) { try InjectOptions.parseFaults("latency,gpu") }
        #expect((try? InjectOptions.parseFaults("memory,cpu")) == [.memory, .cpu])
    }
}

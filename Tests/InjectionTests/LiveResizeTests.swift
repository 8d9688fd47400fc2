import Artifacts
import Foundation
import Patching
import Testing
import TestSupport

@testable import Injection

/// `chaos set --cpu-burn/--memory-*` changes the resource-fault sizes while the app runs: the
/// runtime in a live Python process picks up the new size on its next hook call, no restart.
struct LiveResizeTests {
    static let script = #"""
        import os, sys, time
        sys.path.insert(0, os.path.dirname(sys.argv[1]))
        import chaos_test_runtime as rt

        def in_request(request_id, body):
            def view(environ, start_response):
                body()
            rt.WSGIMiddleware(view)({"HTTP_X_CHAOS_REQUEST_ID": request_id}, None)

        in_request("before-1", lambda: rt.hook(sys.argv[2]))
        print("first", flush=True)
        deadline = time.time() + 30
        while not os.path.exists("go") and time.time() < deadline:
            time.sleep(0.01)
        in_request("after-1", lambda: rt.hook(sys.argv[2]))
        """#

    @Test func theRuntimeTakesNewResourceSizesWithoutARestart() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let root = try AppRoot(dir.path)
        var options = InjectOptions(faults: [.cpu], rate: 1, seed: 1)
        options.resources = ChaosSettings.Resources(cpuUs: 20_000)
        let report = try Injector.inject(root: root, scan: FixtureApp.scan, options: options, dryRun: false)
        defer { _ = try? Injector.revert(root: root) }
        let handler = try #require(report.config.points.first { $0.kind == .handler })
        let runtime = try #require(
            FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String }.first { $0.hasSuffix(Runtime.fileName) })
        try dir.write("check.py", Array(Self.script.utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-B", "check.py", dir.path + "/" + runtime, handler.short]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        var environment = ProcessInfo.processInfo.environment
        environment["CHAOS_TEST_SETTINGS"] = dir.path + "/.chaos-test/settings.json"
        environment["CHAOS_TEST_EVENTS"] = dir.path + "/events.jsonl"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        let first = output.fileHandleForReading.availableData
        #expect(String(decoding: first, as: UTF8.self).hasPrefix("first"))

        let settings = try LiveControl.apply(.resources(.init(memoryMb: 16, cpuUs: 150_000), rate: 1), root: root)
        #expect(settings.default.cpuUs == 150_000 && settings.default.memoryMb == 16)
        #expect(settings.default.memoryCapMb == 256, "an unnamed size keeps its value")
        try dir.write("go", [])
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let events = try ChaosEvent.read(URL(fileURLWithPath: dir.path + "/events.jsonl")).events.filter { $0.fault == "cpu" }
        let before = try #require(events.first { $0.requestId == "before-1" }?.cpuUs)
        let after = try #require(events.first { $0.requestId == "after-1" }?.cpuUs)
        #expect(before >= 20_000 && before < 150_000, "\(before)")
        #expect(after >= 150_000, "\(after)")
    }

    @Test func sizesBeyondTheRuntimesLimitsAreRefusedWithTheLimit() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let root = try AppRoot(dir.path)
        _ = try Injector.inject(root: root, scan: FixtureApp.scan, options: InjectOptions(seed: 1), dryRun: false)
        defer { _ = try? Injector.revert(root: root) }
        let before = dir.read(".chaos-test/settings.json")
        for (sizes, flag) in [
            (LiveControl.ResourceSizes(cpuUs: 6_000_000), "--cpu-burn 6.0: give 0 to 5 seconds"),
            (LiveControl.ResourceSizes(memoryMb: 2048), "--memory-mb 2048: give 0 to 1024 MB"),
            (LiveControl.ResourceSizes(memoryCapMb: -1), "--memory-cap-mb -1"),
        ] {
            let error = try #require(throws: InjectionError.self) { try LiveControl.apply(.resources(sizes), root: root) }
            #expect(error.description.contains(flag), "\(error)")
        }
        #expect(dir.read(".chaos-test/settings.json") == before, "a refused change writes nothing")
    }
}

import Artifacts
import Foundation
import Pipeline
import Testing
import TestSupport

/// Issue 14: every measured pattern comes with a reproducer, and the reproducer works. A run on
/// the sample finds the patterns; then, as a developer would, the test injects the app with the
/// reproducer's `inject` line, starts it, runs its `chaos` lines and its `curl`, and expects the
/// failure the run saw. Nothing of the sample is left modified.
@Suite(.serialized) struct ReproducerTests {
    @Test func aPatternsReproducerMakesTheSameFailureAgain() async throws {
        let sample = "orbital-travel-planner"
        let copy = try SampleCopy(sample: sample)
        let before = try copy.snapshot()
        let outcome = try await RunPipeline(options: try runOptions(for: copy, sample: sample)) { _ in }.run()
        let patterns = try ArtifactJSON.decode(
            FailurePatterns.self, from: Data(contentsOf: outcome.runFolder.appendingPathComponent("failure-patterns.json")))
        let measured = patterns.patterns.filter { $0.evidenceKind == .measured }
        #expect(!measured.isEmpty)
        // Every measured pattern with a failed request has one; static findings have none.
        #expect(patterns.patterns.filter { $0.evidenceKind == .static }.allSatisfy { $0.reproducer == nil })
        // An unhandled dependency error replays exactly (a raised fault, no timing involved).
        let withFault = measured.filter { $0.kind == .unhandledDependencyError }.compactMap(\.reproducer)
            .filter { $0.inject != nil && $0.observed.hasPrefix("HTTP 5") }
        let reproducer = try #require(withFault.first, 
            "no measured pattern has a reproducer with an injected fault: \(measured.map { "\($0.id) \($0.points) \(String(describing: $0.reproducer))" })")
        // The curl line never carries a credential, and names the request it replays.
        #expect(reproducer.curl.contains("X-Chaos-Request-Id: \(reproducer.requestId)"))

        let binary = repositoryRoot.appendingPathComponent(".build/debug/chaos-test").path
        let python = repositoryRoot.appendingPathComponent("Samples/\(sample)/.venv/bin/python")
        let temporary = try TemporaryDirectory()
        let logs = URL(fileURLWithPath: temporary.path)
        func chaosTest(_ line: String) async throws {
            var words = line.split(separator: " ").map(String.init)
            #expect(words.first == "chaos-test", "\(line)")
            words.removeFirst()
            let ended = try await runToEnd(binary, words)
            #expect(ended.exitCode == 0, "\(line): \(ended)")
        }
        try await chaosTest(try #require(reproducer.inject))
        var servers: [UvicornServer] = []
        defer {
            for server in servers { server.stop() }
        }
        let provider = try UvicornServer(
            python: python, app: "main:app", in: copy.root.appendingPathComponent("provider"),
            log: logs.appendingPathComponent("provider.log"))
        servers.append(provider)
        try await provider.waitUntilHealthy { try await Self.answers($0.appendingPathComponent("healthz")) }
        let app = try UvicornServer(
            python: python, app: "app.main:app", in: copy.root,
            environment: [
                "PROVIDER_URL": provider.url.absoluteString,
                "DATABASE_PATH": logs.appendingPathComponent("bookings.db").path,
            ],
            log: logs.appendingPathComponent("app.log"))
        servers.append(app)
        try await app.waitUntilHealthy { try await Self.answers($0.appendingPathComponent("healthz")) }
        // The curl line names the run's port; the app now listens on another one.
        let target = try LoadResultsReader(url: outcome.runFolder.appendingPathComponent("load-results.json")).header().meta.target
        let curl = reproducer.curl.replacingOccurrences(of: target, with: app.url.absoluteString)
        func statusLine() async throws -> String {
            let answered = try await runToEnd("/bin/sh", ["-c", curl])
            return answered.output.split(separator: "\r\n").first.map(String.init) ?? answered.output
        }
        // With the hooks in but chaos off, the same request succeeds: the failure is the fault's.
        let unfaulted = try await statusLine()
        #expect(unfaulted.hasPrefix("HTTP/1.1 2"), "\(curl)\n\(unfaulted)")
        for line in reproducer.chaos { try await chaosTest(line) }
        let faulted = try await statusLine()
        // At rate 1 the fault also fires on the app's own retries, so the status may differ from the
        // run's (a 503 after one failed try becomes a 500 when every try fails): a 5xx is the failure.
        #expect(faulted.hasPrefix("HTTP/1.1 5"), "\(String(describing: reproducer))\n\(faulted)\n\((try? String(contentsOfFile: copy.root.path + "/.chaos-test/settings.json", encoding: .utf8)) ?? "no settings")")

        for server in servers { server.stop() }
        servers.removeAll()
        let reverted = try await runToEnd(binary, ["revert", copy.root.path])
        #expect(reverted.exitCode == 0, "\(reverted)")
        #expect(try copy.snapshot() == before)
    }

    /// Health checks go through curl too: the reproducer is a curl line, so curl is needed anyway.
    static func answers(_ url: URL) async throws -> Bool {
        try await runToEnd("/usr/bin/curl", ["-fsS", "-o", "/dev/null", "--max-time", "1", url.absoluteString]).exitCode == 0
    }
}

import Artifacts
import Foundation
import Pipeline
import Testing

/// `run --pause-service` (a dependency outage) on the orbital sample: the provider is stopped
/// for a while in the chaos phase. The app's provider calls have no timeout of their own
/// (WEAKNESSES.md W1), so they hang past the client's 3 s and fail together; analyze must call that a
/// failure burst at the provider call, the proposer must answer with a circuit breaker (not a
/// retry), and the provider must be running again afterwards and stopped at the end.
@Suite(.serialized) struct ServicePauseTests {
    static let sample = "orbital-travel-planner"

    @Test func aPausedProviderIsAFailureBurstAnsweredWithACircuitBreaker() async throws {
        let copy = try SampleCopy(sample: Self.sample)
        let pristine = try copy.snapshot()
        var options = try runOptions(for: copy, sample: Self.sample, duration: 30, deadline: 60)
        // No injected faults: the outage is the only cause of errors.
        options.faultRate = 0
        options.concurrency = 6
        // A client that waits at most 3 s, as users do: while the provider is stopped, every call
        // that reaches it fails, instead of one per worker per httpx timeout (5 s).
        options.timeout = 3
        options.minRequests = 1
        options.pauses = [ServicePause(service: "provider", afterSeconds: 6, forSeconds: 14)]
        let outcome = try await RunPipeline(options: options) { print($0) }.run()
        let folder = outcome.runFolder

        let pause = try #require(outcome.record.phases.first { $0.name == "pause service provider" })
        #expect(pause.status == "ok")
        #expect(Double(pause.endUnixNs - pause.startUnixNs) / 1e9 >= 13.5)
        #expect(outcome.record.options["pause_services"] == .array([.string("provider:6.0:14.0")]))

        let patterns = try ArtifactJSON.decode(
            FailurePatterns.self, from: Data(contentsOf: folder.appendingPathComponent("failure-patterns.json")))
        let bursts = patterns.patterns.filter { $0.kind == .failureBurst }
        for burst in bursts { print("\(burst.id): \(burst.title)") }
        let burst = try #require(bursts.first, "no failure burst found")
        #expect(burst.locations.first?.file == "app/provider_client.py")
        // Every burst overlaps the pause. (A request sent shortly before it can still fail in it:
        // on a busy machine it may reach the provider call seconds after it was sent.)
        let start = Double(pause.startUnixNs) / 1e9
        let end = Double(pause.endUnixNs) / 1e9
        let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: folder.appendingPathComponent("load-results.json")))
        let t0 = Double(results.records.map(\.sentUnixNs).min() ?? 0) / 1e9
        for pattern in bursts {
            guard case .array(let windows)? = pattern.evidence["bursts"] else { continue }
            for case .object(let window) in windows {
                guard case .double(let from)? = window["from_s"], case .double(let to)? = window["to_s"] else { continue }
                #expect(t0 + to >= start && t0 + from <= end + 5, "\(pattern.title): a burst outside the pause")
            }
        }
        // Every burst is put at a provider call, whichever endpoint it is on.
        #expect(bursts.allSatisfy { $0.locations.first?.file == "app/provider_client.py" }, "\(bursts.map(\.title))")

        // The provider's 404s (WEAKNESSES.md W2) and the pause's timeouts escape as 500s, after
        // which uvicorn closes the connection: the resets that follow are reset-after-error.
        let resets = try #require(patterns.patterns.first { $0.kind == .resetAfterError }, "no reset-after-error pattern")
        let counts = ["resets_after_500", "requests_after_500", "resets_elsewhere", "requests_elsewhere"].map { key in
            if case .int(let value)? = resets.evidence[key] { return value } else { return -1 }
        }
        print("\(resets.id): \(counts[0]) of \(counts[1]) requests right after a 500 reset, \(counts[2]) of \(counts[3]) others; "
            + "Fisher p = \(resets.evidence["p_value"].flatMap { if case .double(let p) = $0 { p } else { nil } } ?? .nan)")
        #expect(counts[0] >= 5 && counts[2] * counts[1] < counts[0] * counts[3], "\(counts)")

        let proposals = try ArtifactJSON.decode(
            FixProposals.self, from: Data(contentsOf: folder.appendingPathComponent("fix-proposals.json")))
        let breaker = try #require(proposals.proposals.first { $0.recipe == "circuit-breaker" && $0.patterns.contains(burst.id) })
        #expect(breaker.file == "app/provider_client.py")
        #expect(breaker.applicability == .unsafe && breaker.patch == nil)
        #expect(!proposals.proposals.contains { $0.recipe == "retry-idempotent" && $0.patterns == [burst.id] })

        #expect(try copy.snapshot() == pristine)
        #expect(processes(in: copy.root).isEmpty)
    }

    @Test func anUnknownServiceOrABadSpecIsRefusedBeforeAnythingStarts() async throws {
        #expect(throws: RunError.self) { try ServicePause.parse("provider:5") }
        #expect(throws: RunError.self) { try ServicePause.parse("provider:-1:4") }
        #expect(throws: RunError.self) { try ServicePause.parse(":1:4") }
        #expect(try ServicePause.parse("provider:1.5:4") == ServicePause(service: "provider", afterSeconds: 1.5, forSeconds: 4))
        let copy = try SampleCopy(sample: Self.sample)
        var options = try runOptions(for: copy, sample: Self.sample)
        options.pauses = [ServicePause(service: "payments", afterSeconds: 1, forSeconds: 2)]
        await #expect {
            _ = try await RunPipeline(options: options) { _ in }.run()
        } throws: { error in
            "\(error)".contains("no service named payments") && "\(error)".contains("its services are provider")
        }
        #expect(processes(in: copy.root).isEmpty)
    }
}

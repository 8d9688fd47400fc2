import AsyncHTTPClient
import Artifacts
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Drives HTTP load at one target, phase after phase, over one pool of keep-alive connections.
///
/// The `run` pipeline calls it directly: ``withRunner(_:_:)`` scopes the HTTP client, and each
/// ``run(_:recorder:stop:)`` is one phase written into the same recorder, hence the same file.
public final class LoadRunner: Sendable {
    public let configuration: LoadConfiguration
    let client: HTTPClient
    let baseURL: String
    /// The plan's `setup:` values, made once for all the phases of this runner.
    let setup = SessionSetup()
    /// Virtual users idle between units and phases: their sessions outlive a phase, so a user
    /// logs in once per run, not again in the chaos phase.
    let users = UserPool()

    private init(configuration: LoadConfiguration, client: HTTPClient) {
        self.configuration = configuration
        self.client = client
        var base = configuration.target.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
    }

    /// Creates the HTTP client, runs `body`, and shuts the client down however `body` ends.
    /// Refuses a non-loopback target unless the configuration allows remote targets.
    public static func withRunner<Result: Sendable>(
        _ configuration: LoadConfiguration, _ body: (LoadRunner) async throws -> Result
    ) async throws -> Result {
        _ = try TargetGuard.check(configuration.target.absoluteString, allowRemote: configuration.allowRemote)
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maxConnections))
        // Fail fast on refused connections: a stopped server is a result to record, not to wait out.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        let timeout = TimeAmount.nanoseconds(Int64(configuration.timeoutSeconds * 1e9))
        clientConfiguration.timeout = .init(connect: timeout, read: timeout)
        // A redirect could lead off loopback, past the target check.
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.httpVersion = .http1Only
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let runner = LoadRunner(configuration: configuration, client: client)
        do {
            let result = try await body(runner)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Runs one phase to its request count, its duration or a stop signal, whichever comes first.
    /// Records go to `recorder` under the phase's name; pass nil for an unrecorded warm-up.
    public func run(_ phase: PhaseSpec, recorder: LoadRecorder?, stop: StopSignal) async -> PhaseResult {
        recorder?.beginPhase(phase.name, settings: phase.settings)
        let execution = PhaseExecution(runner: self, phase: phase, recorder: recorder)
        let outcome = await execution.run(stop: stop)
        recorder?.endPhase(phase.name)
        return PhaseResult(
            name: phase.name, summary: recorder?.summary(of: phase.name) ?? [:], completed: outcome.completed,
            interrupted: outcome.interrupted, notes: outcome.notes, refused: outcome.refused)
    }

    /// Fetches a document from a target (such as `/openapi.json`) with a short-lived client, capped
    /// at `maxBytes`. Returns nil when the target answers with something other than 200 or is down.
    public static func fetchDocument(
        target: URL, path: String, timeoutSeconds: Double, allowRemote: Bool, maxBytes: Int = 8 << 20
    ) async throws -> Data? {
        _ = try TargetGuard.check(target.absoluteString, allowRemote: allowRemote)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var base = target.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let result: Data?
        do {
            let request = try HTTPClient.Request(url: base + path, method: .GET)
            let collector = ResponseCollector(keepBody: true, cap: maxBytes)
            let deadline = NIODeadline.now() + .nanoseconds(Int64(timeoutSeconds * 1e9))
            let outcome = try await client.execute(request: request, delegate: collector, deadline: deadline).get()
            if outcome.status == 200, let body = outcome.body, outcome.bytes <= maxBytes {
                result = Data(body)
            } else {
                result = nil
            }
        } catch {
            result = nil
        }
        try await client.shutdown()
        return result
    }
}

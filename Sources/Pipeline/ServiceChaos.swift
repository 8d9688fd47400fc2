import Artifacts
import Foundation
import Patching

/// The service folders a run injected chaos into (issue 8.5b), filled in while the run
/// prepares and read when it reverts; shared between the injection task and the run.
final class ServiceChaos: @unchecked Sendable {
    /// One service folder with hooks in it.
    struct Injected: Sendable {
        var name: String
        /// The folder as the experiment names it (`provider`), relative to the app folder.
        var folder: String
        var root: AppRoot
        var config: ChaosConfig
        /// The run created `<folder>/.chaos-test`, so the revert removes it again.
        var createdStateFolder: Bool
    }

    private let lock = NSLock()
    private var injectedServices: [Injected] = []
    private var firstFailure: RunError?
    private var mirror: Task<Void, Never>?

    var injected: [Injected] {
        lock.lock()
        defer { lock.unlock() }
        return injectedServices
    }

    var failure: RunError? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    func add(_ service: Injected) {
        lock.lock()
        injectedServices.append(service)
        lock.unlock()
    }

    func fail(_ error: RunError) {
        lock.lock()
        if firstFailure == nil { firstFailure = error }
        lock.unlock()
    }

    func startMirror(_ task: Task<Void, Never>) {
        lock.lock()
        mirror = task
        lock.unlock()
    }

    /// Stops the task that mirrors the app's settings into the services, and waits for it.
    func stopMirror() async {
        let task = lock.withLock {
            defer { mirror = nil }
            return mirror
        }
        task?.cancel()
        await task?.value
    }
}

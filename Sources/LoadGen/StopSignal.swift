import Synchronization

/// Asks a running phase to stop sending (Ctrl-C, a pipeline deadline). Once stopped it stays
/// stopped; a phase started with a stopped signal sends nothing.
public final class StopSignal: Sendable {
    private let state = Mutex<(stopped: Bool, handlers: [Int: @Sendable () -> Void], next: Int)>(
        (false, [:], 0))

    public init() {}

    public var isStopped: Bool { state.withLock { $0.stopped } }

    /// Stops every phase listening now or later.
    public func stop() {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.stopped else { return [] }
            state.stopped = true
            defer { state.handlers = [:] }
            return Array(state.handlers.values)
        }
        for handler in handlers { handler() }
    }

    /// Calls `handler` once when stopped (at once if already stopped); returns a token for ``remove(_:)``.
    func onStop(_ handler: @escaping @Sendable () -> Void) -> Int {
        let token = state.withLock { state -> Int? in
            guard !state.stopped else { return nil }
            state.next += 1
            state.handlers[state.next] = handler
            return state.next
        }
        guard let token else {
            handler()
            return 0
        }
        return token
    }

    func remove(_ token: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: token) }
    }
}

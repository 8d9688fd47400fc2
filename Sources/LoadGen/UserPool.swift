import Synchronization

/// Idle virtual users of a run; a closed-model worker or an open-model unit takes one (or a
/// new one) and gives it back when it ends, so no user is in two places at once.
final class UserPool: Sendable {
    private let idle = Mutex<[VirtualUser]>([])

    func take() -> VirtualUser { idle.withLock { $0.popLast() } ?? VirtualUser() }

    func give(_ user: VirtualUser) { idle.withLock { $0.append(user) } }
}

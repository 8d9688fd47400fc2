import Foundation
import Synchronization

/// The moment of its first call, so a poll loop can give a process a grace period.
final class DoneClock: Sendable {
    private let first = Mutex<Date?>(nil)

    func secondsSinceFirstCall() -> Double {
        first.withLock { first in
            let start = first ?? Date()
            first = start
            return Date().timeIntervalSince(start)
        }
    }
}

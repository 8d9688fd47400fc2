import Foundation
import Synchronization

/// The PIDs of the Locust processes as they start, collected from their tasks.
final class PIDList: Sendable {
    private let pids = Mutex<[Int32]>([])

    func add(_ pid: Int32) { pids.withLock { $0.append(pid) } }
    var all: [Int32] { pids.withLock { $0 } }
}

import Artifacts
import Foundation
import LoadGen

#if canImport(Glibc)
import Glibc
#endif

/// `run --pause-service NAME:AFTER:FOR`: a dependency outage. AFTER seconds into the chaos
/// phase the service's process group gets SIGSTOP, and FOR seconds later SIGCONT. A stopped
/// process keeps its sockets: the kernel still accepts connections into its backlog, so the
/// app's calls hang until they time out, as they do when a real dependency stalls.
public struct ServicePause: Sendable, Equatable {
    public var service: String
    public var afterSeconds: Double
    public var forSeconds: Double

    public init(service: String, afterSeconds: Double, forSeconds: Double) {
        self.service = service
        self.afterSeconds = afterSeconds
        self.forSeconds = forSeconds
    }

    /// Reads `NAME:AFTER:FOR`, seconds as decimals.
    public static func parse(_ text: String) throws(RunError) -> ServicePause {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, let after = Double(parts[1]), let duration = Double(parts[2]),
            after >= 0, duration > 0, after.isFinite, duration.isFinite
        else {
            throw .badInput(
                "--pause-service \(text): give NAME:AFTER:FOR, the service's name and seconds into the chaos phase "
                    + "and of the pause, for example provider:5:12")
        }
        return ServicePause(service: parts[0], afterSeconds: after, forSeconds: duration)
    }

    var recorded: String { "\(service):\(afterSeconds):\(forSeconds)" }

    /// Sends `signal` to the process group the service leads (each child runs in its own
    /// session, so its group is its PID), or to the process alone if it leads none.
    static func signal(_ signal: Int32, pid: Int32) {
        if kill(-pid, signal) != 0 { _ = kill(pid, signal) }
    }
}

extension RunPipeline {
    /// Runs the pauses of the chaos phase, each on its own schedule, until `phaseStop`. Whatever
    /// ends a pause (its time, the end of the phase, a stop), the service is continued.
    func runPauses(_ pauses: [ServicePause], phaseStop: @escaping StopSignalProbe) async {
        await withTaskGroup(of: Void.self) { group in
            for pause in pauses {
                group.addTask { await self.runPause(pause, phaseStop: phaseStop) }
            }
        }
    }

    private func runPause(_ pause: ServicePause, phaseStop: StopSignalProbe) async {
        let phaseStart = Date()
        func wait(until seconds: Double) async -> Bool {
            while Date().timeIntervalSince(phaseStart) < seconds {
                if phaseStop() { return false }
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
            return true
        }
        guard await wait(until: pause.afterSeconds) else {
            note(partial: "--pause-service \(pause.recorded): the chaos phase ended before the pause was due; the service was not paused")
            return
        }
        guard let pid = servicePID(pause.service), ManagedProcess.isAlive(pid) else {
            note(partial: "--pause-service \(pause.recorded): service \(pause.service) is not running; it was not paused")
            return
        }
        let start = WallClock.nowUnixNs()
        ServicePause.signal(SIGSTOP, pid: pid)
        say("  paused service \(pause.service) (pid \(pid)) for \(pause.forSeconds) s")
        let complete = await wait(until: pause.afterSeconds + pause.forSeconds)
        ServicePause.signal(SIGCONT, pid: pid)
        let end = WallClock.nowUnixNs()
        say("  service \(pause.service) continued")
        record(
            PhaseTiming(
                name: "pause service \(pause.service)", group: "chaos load", startUnixNs: start, endUnixNs: end,
                status: complete ? "ok" : "partial",
                note: complete ? "SIGSTOP to pid \(pid), then SIGCONT" : "cut short by the end of the chaos phase"))
        if !complete {
            note(partial: "--pause-service \(pause.recorded): the chaos phase ended during the pause, which was cut short")
        }
    }
}

/// Whether the phase is over, as the pauses poll it.
typealias StopSignalProbe = @Sendable () -> Bool

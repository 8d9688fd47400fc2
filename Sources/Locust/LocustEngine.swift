import Artifacts
import Foundation
import LocalProcess
import LoadGen

#if canImport(Glibc)
    import Glibc
#endif

/// `chaos-test load --engine locust --workers N`: the plan exported to a locustfile, run by
/// Locust's own master and N workers on this machine, and every request the workers recorded
/// converted into the same load-results.json as the built-in engine writes, so analysis does
/// not care which engine ran.
///
/// Closed model only: Locust's users send back to back, so `--concurrency` is its user count.
/// Latency is timed in the locustfile with `time.perf_counter_ns`, never taken from Locust's
/// statistics (they round response times below 100 ms to whole milliseconds).
public enum LocustEngine {
    public struct Options: Sendable {
        public var target: URL
        public var plan: LoadPlan
        /// Locust users in all, spread over the workers by the master.
        public var users: Int
        public var workers: Int
        public var durationSeconds: Double
        public var timeoutSeconds: Double
        public var seed: UInt64
        /// The interpreter that has Locust installed.
        public var python: String
        public var out: URL
        public var phaseName: String
        public var allowRemote: Bool
        /// Seconds the master may wait for every worker to connect.
        public var workerWaitSeconds: Double

        public init(
            target: URL, plan: LoadPlan, users: Int, workers: Int, durationSeconds: Double, timeoutSeconds: Double = 10,
            seed: UInt64 = 1, python: String, out: URL, phaseName: String = "baseline", allowRemote: Bool = false,
            workerWaitSeconds: Double = 30
        ) {
            self.target = target
            self.plan = plan
            self.users = users
            self.workers = workers
            self.durationSeconds = durationSeconds
            self.timeoutSeconds = timeoutSeconds
            self.seed = seed
            self.python = python
            self.out = out
            self.phaseName = phaseName
            self.allowRemote = allowRemote
            self.workerWaitSeconds = workerWaitSeconds
        }
    }

    public struct Outcome: Sendable {
        public var meta: LoadMeta
        public var summary: [String: EndpointSummary]
        public var out: URL
        /// Where the locustfile and the master's and workers' logs were left.
        public var workFolder: URL
        /// The PIDs of the master and the workers, as started.
        public var pids: [Int32]
        public var notes: [String]
    }

    /// Runs the master and workers for the duration (or until `stop`), then writes `options.out`.
    public static func run(_ options: Options, stop: StopSignal) async throws(LoadError) -> Outcome {
        do { _ = try TargetGuard.check(options.target.absoluteString, allowRemote: options.allowRemote) } catch {
            throw LoadError.badArgument("\(error)")
        }
        guard options.workers >= 1 else { throw LoadError.badArgument("--workers \(options.workers): give at least 1") }
        guard options.users >= 1 else { throw LoadError.badArgument("--concurrency \(options.users): give at least 1 user") }
        guard options.durationSeconds > 0 else { throw LoadError.badArgument("--duration: Locust runs for a time; give seconds above 0") }
        guard !options.plan.requests.isEmpty || !options.plan.flows.isEmpty else {
            throw LoadError.badArgument("the load plan \(options.plan.source) has no requests and no flows")
        }
        try checkLocust(python: options.python)

        let work = options.out.deletingLastPathComponent().appendingPathComponent(".\(options.out.lastPathComponent).locust")
        let records = work.appendingPathComponent("records")
        let locustfile = work.appendingPathComponent("locustfile.py")
        do {
            try? FileManager.default.removeItem(at: records)
            try FileManager.default.createDirectory(at: records, withIntermediateDirectories: true)
            try Data(LocustfileGenerator.locustfile(for: options.plan).utf8).write(to: locustfile, options: .atomic)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.environment("cannot write \(locustfile.path): \(error); check that \(work.path) is writable")
        }

        let port = try freeLoopbackPort()
        var target = options.target.absoluteString
        while target.hasSuffix("/") { target.removeLast() }
        let environment = [
            "CHAOS_TEST_LOCUST_RECORDS": records.path, "CHAOS_TEST_LOCUST_PHASE": options.phaseName,
            "CHAOS_TEST_LOCUST_SEED": String(options.seed), "CHAOS_TEST_LOCUST_TIMEOUT": String(options.timeoutSeconds),
            "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
        ]
        let runTime = max(1, Int(options.durationSeconds.rounded(.up)))
        let master = LocustChild(
            name: "locust master",
            command: [
                options.python, "-m", "locust", "-f", locustfile.path, "--master", "--headless",
                "--master-bind-host", "127.0.0.1", "--master-bind-port", String(port),
                "--expect-workers", String(options.workers), "--expect-workers-max-wait", String(Int(options.workerWaitSeconds)),
                "--users", String(options.users), "--spawn-rate", String(options.users), "--run-time", "\(runTime)s",
                "--host", target, "--exit-code-on-error", "0", "--stop-timeout", String(Int(options.timeoutSeconds.rounded(.up))),
                "--only-summary",
            ],
            environment: environment, workingDirectory: work.path, log: work.appendingPathComponent("master.log"))
        let workers = (0..<options.workers).map { index in
            LocustChild(
                name: "locust worker \(index + 1)",
                command: [
                    options.python, "-m", "locust", "-f", locustfile.path, "--worker", "--master-host", "127.0.0.1",
                    "--master-port", String(port),
                ],
                environment: environment, workingDirectory: work.path,
                log: work.appendingPathComponent("worker-\(index + 1).log"))
        }

        let recorder: LoadRecorder
        do { recorder = try LoadRecorder(sidecar: work.appendingPathComponent("records.jsonl")) } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.environment("cannot write in \(work.path): \(error)")
        }
        let startUnixNs = WallClock.nowUnixNs()
        let cpuBefore = childrenCPUTimeUs()
        let pids = PIDList()
        // The master must end on its own within its run time, the workers' wait and a grace period.
        let limit = Date().addingTimeInterval(options.workerWaitSeconds + Double(runTime) + options.timeoutSeconds + 30)
        let masterDone = StopSignal()
        let masterStatus: Int32?
        do {
            masterStatus = try await withThrowingTaskGroup(of: (master: Bool, status: Int32?).self) { group in
                group.addTask {
                    defer { masterDone.stop() }
                    let status = try await master.run(onStart: { pids.add($0) }) { stop.isStopped || Date() > limit }
                    return (true, status)
                }
                for worker in workers {
                    group.addTask {
                        // Workers quit when the master tells them; give them a moment, then stop them.
                        let doneAt = DoneClock()
                        let status = try await worker.run(onStart: { pids.add($0) }) {
                            guard masterDone.isStopped else { return false }
                            return doneAt.secondsSinceFirstCall() > 10
                        }
                        return (false, status)
                    }
                }
                var status: Int32?
                for try await result in group where result.master { status = result.status }
                return status
            }
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.environment("locust: \(error)")
        }
        let interrupted = stop.isStopped || masterStatus == nil
        if let masterStatus, masterStatus != 0 {
            throw LoadError.environment(
                "the Locust master exited with status \(masterStatus); its log \(master.log.path) ends:\n\(master.tail())")
        }

        var notes: [String] = []
        let converted = try importRecords(from: records, into: recorder, phase: options.phaseName)
        if converted.unreadable > 0 { notes.append("\(converted.unreadable) unreadable record lines from the workers were skipped") }
        if converted.count == 0 {
            throw LoadError.environment(
                "the Locust workers recorded no request; the master's log \(master.log.path) ends:\n\(master.tail())\n"
                    + "and worker 1's:\n\(workers[0].tail())")
        }
        let meta = LoadMeta(
            target: options.target.absoluteString, model: .closed, seed: Int(clamping: options.seed), plan: options.plan.source,
            startUnixNs: startUnixNs, partial: interrupted, generatorCpuUs: childrenCPUTimeUs() - cpuBefore)
        do { try recorder.finish(meta: meta, to: options.out) } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.environment("cannot write \(options.out.path): \(error)")
        }
        try? FileManager.default.removeItem(at: records)
        return Outcome(
            meta: meta, summary: recorder.summary(of: options.phaseName), out: options.out, workFolder: work, pids: pids.all,
            notes: notes)
    }

    /// Reads every worker's JSONL into the recorder as one phase; returns how many records and
    /// bad lines. The phase runs from the first request sent to the last answer, not from the
    /// processes' start: Locust takes a few seconds to start, and the latency chart would show
    /// that as a quiet stretch of load. Two passes over the files keep memory flat.
    static func importRecords(
        from folder: URL, into recorder: LoadRecorder, phase: String
    ) throws(LoadError) -> (count: Int, unreadable: Int) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
        let decoder = JSONDecoder()
        func eachRecord(_ body: (LoadRecord?) -> Void) throws(LoadError) {
            for file in files {
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path) else {
                    throw LoadError.environment("cannot read \(folder.appendingPathComponent(file).path)")
                }
                for line in data.split(separator: 0x0A) where !line.isEmpty {
                    body(try? decoder.decode(LoadRecord.self, from: line))
                }
            }
        }
        var first = Int.max
        var last = Int.min
        try eachRecord { record in
            guard let record else { return }
            first = min(first, record.sentUnixNs)
            last = max(last, record.sentUnixNs + record.latencyUs * 1000)
        }
        let now = WallClock.nowUnixNs()
        recorder.beginPhase(phase, startUnixNs: first == Int.max ? now : first)
        var count = 0
        var unreadable = 0
        try eachRecord { record in
            guard let record, record.phase == phase else {
                unreadable += 1
                return
            }
            recorder.record(record)
            count += 1
        }
        recorder.endPhase(phase, endUnixNs: last == Int.min ? now : last)
        return (count, unreadable)
    }

    /// Fails early, with what to do, when the interpreter has no Locust.
    static func checkLocust(python: String) throws(LoadError) {
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", "import locust"]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, "-c", "import locust"]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw LoadError.environment("cannot run \(python): \(error); pass --python with an interpreter that has Locust")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LoadError.environment(
                "\(python) cannot import locust; install it (`pip install locust==2.47.0`, pinned in "
                    + "Samples/orbital-travel-planner/requirements.txt) or pass --python with an interpreter that has it")
        }
    }

    /// CPU time of the children that have exited and been reaped: Locust's master and workers.
    static func childrenCPUTimeUs() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Int(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }

    /// A free TCP port on 127.0.0.1 for the master's ZeroMQ socket, chosen by the kernel.
    static func freeLoopbackPort() throws(LoadError) -> Int {
        guard let port = LocalProcess.freeLoopbackPort() else {
            throw LoadError.environment("cannot bind a loopback port for the Locust master")
        }
        return port
    }
}

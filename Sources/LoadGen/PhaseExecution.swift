import AsyncHTTPClient
import Artifacts
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One phase in motion. Requests are sent and completed on NIO event loops through the client's
/// EventLoopFuture API (cheaper per request than async/await, FACTS.md); the only await is for
/// the phase as a whole.
final class PhaseExecution: Sendable {
    enum SendResult: Sendable {
        /// No request was sent: the request count or the duration is used up, or a stop came.
        case exhausted
        /// The request could not be built (a placeholder value made the URL invalid).
        case notSent
        case transportError
        case response(ResponseOutcome)
    }

    private struct State {
        var issued = 0
        var unitsStarted = 0
        var inFlight = 0
        var activeUnits = 0
        var schedulerDone = false
        var stopping = false
        var interrupted = false
        var finished = false
        var completed = 0
        var notes: [String: Int] = [:]
        /// The first refused login, which stopped the phase.
        var refused: String?
        /// The setup steps' values, under every unit's own variables.
        var globals: [String: JSONValue] = [:]
        /// The open model's next scheduled instant, in nanoseconds after the start.
        var nextDueOffset: Double = 0
        /// Until this instant the open model sends at half its rate, after a 429.
        var throttledUntilMono = 0
        var throttleNoted = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let runner: LoadRunner
    private let phase: PhaseSpec
    private let recorder: LoadRecorder?
    private let plan: CompiledPlan
    private let loop: EventLoop
    private let startMono: Int
    private let startWall: Int
    private let deadlineMono: Int?
    private let timeout: TimeAmount
    private let phaseStream: UInt64
    private let session: SessionClient
    private let state = Mutex(State())

    init(runner: LoadRunner, phase: PhaseSpec, recorder: LoadRecorder?) {
        self.runner = runner
        self.phase = phase
        self.recorder = recorder
        plan = CompiledPlan(runner.configuration.plan, baseURL: runner.baseURL)
        loop = runner.client.eventLoopGroup.next()
        let start = WallClock.monotonicNs()
        startMono = start
        startWall = WallClock.nowUnixNs()
        deadlineMono = phase.durationSeconds.map { start + Int($0 * 1e9) }
        timeout = .nanoseconds(Int64(runner.configuration.timeoutSeconds * 1e9))
        session = SessionClient(
            client: runner.client, baseURL: runner.baseURL, timeout: timeout,
            bodyCap: runner.configuration.maxResponseBodyBytes)
        // FNV-1a of the name: String.hashValue is randomized per process, which would break --seed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in phase.name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        phaseStream = hash
    }

    func run(stop: StopSignal) async -> (completed: Int, interrupted: Bool, notes: [String], refused: String?) {
        if !plan.setup.isEmpty {
            let plan = self.plan
            let session = self.session
            switch await runner.setup.values({ await session.setup(plan, user: VirtualUser()) }) {
            case .success(let values): state.withLock { $0.globals = values }
            case .failure(let failure): return (0, false, [failure.description], failure.description)
            }
        }
        // A stop that comes before the continuation is stored only sets `stopping`;
        // the checkDone() after start() then ends the phase.
        let token = stop.onStop { [self] in beginStop(interrupted: true) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.withLock { $0.continuation = continuation }
            start()
            checkDone()
        }
        stop.remove(token)
        return state.withLock { state in
            let notes = state.notes.sorted { $0.key < $1.key }.map { $1 > 1 ? "\($0) (\($1) times)" : $0 }
            return (state.completed, state.interrupted, notes, state.refused)
        }
    }

    private func start() {
        guard !plan.units.isEmpty else {
            state.withLock { $0.schedulerDone = true; $0.stopping = true }
            return
        }
        switch phase.shape {
        case .closed(let concurrency):
            let workers = max(1, concurrency)
            state.withLock { $0.activeUnits = workers; $0.schedulerDone = true }
            for _ in 0..<workers {
                let user = runner.users.take()
                loop.execute { self.closedWorker(user) }
            }
        case .open(let rps, let maxInFlight):
            let interval = 1e9 / max(rps, 0.001)
            loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
                self.launchDueUnits(interval: interval, maxInFlight: max(1, maxInFlight), task: task)
            }
        }
    }

    // MARK: Models

    /// A closed-model virtual user: the next unit starts when the previous one ends, or after the
    /// wait a 429 asked for.
    private func closedWorker(_ user: VirtualUser) {
        startUnit(user: user, scheduledMono: nil) { exhausted in
            let backoff = user.takeBackoff()
            if exhausted {
                self.runner.users.give(user)
                self.state.withLock { $0.activeUnits -= 1 }
                self.checkDone()
            } else if backoff > 0 {
                // Never sleep past the phase's end: the wait would only delay the phase's finish.
                let remaining = self.deadlineMono.map { max(0, $0 - WallClock.monotonicNs()) } ?? backoff
                self.loop.scheduleTask(in: .nanoseconds(Int64(min(backoff, remaining)))) { self.closedWorker(user) }
            } else {
                // Go through a loop so a chain of instant failures cannot grow the stack; the loop that
                // completed the request is the current one, so this costs no cross-thread wake-up.
                (MultiThreadedEventLoopGroup.currentEventLoop ?? self.loop).execute { self.closedWorker(user) }
            }
        }
    }

    /// The open model's clock: every millisecond, start each unit whose scheduled instant has come.
    /// Units are spaced by `interval`, or twice that for 5 s after a 429.
    private func launchDueUnits(interval: Double, maxInFlight: Int, task: RepeatedTask) {
        let now = WallClock.monotonicNs()
        let elapsed = Double(now - startMono)
        let units: [Int]? = state.withLock { state in
            if let deadlineMono, now >= deadlineMono { state.stopping = true }
            if state.stopping {
                state.schedulerDone = true
                return nil
            }
            var units: [Int] = []
            while state.nextDueOffset <= elapsed && state.activeUnits < maxInFlight {
                units.append(startMono + Int(state.nextDueOffset))
                state.nextDueOffset += now < state.throttledUntilMono ? 2 * interval : interval
                state.activeUnits += 1
            }
            return units
        }
        guard let units else {
            task.cancel()
            checkDone()
            return
        }
        for scheduled in units {
            let user = runner.users.take()
            startUnit(user: user, scheduledMono: scheduled) { exhausted in
                self.runner.users.give(user)
                self.state.withLock { state in
                    state.activeUnits -= 1
                    if exhausted { state.stopping = true }
                }
                self.checkDone()
            }
        }
    }

    // MARK: Units

    /// Runs one request or one flow; `done(true)` means nothing more may be sent in this phase.
    /// A user that has not logged in yet does so first; a refused login stops the phase.
    private func startUnit(user: VirtualUser, scheduledMono: Int?, done: @escaping @Sendable (Bool) -> Void) {
        if let login = plan.login, !user.isLoggedIn {
            guard !state.withLock({ $0.stopping }) else { return done(true) }
            session.login(login, user: user).whenComplete { result in
                switch result {
                case .success:
                    // The login's own wait is not the app's latency under load: time from now.
                    self.startUnit(user: user, scheduledMono: nil, done: done)
                case .failure(let failure):
                    self.note("\(failure); the phase was stopped")
                    self.state.withLock { $0.refused = $0.refused ?? "\(failure)" }
                    self.beginStop(interrupted: false)
                    done(true)
                }
            }
            return
        }
        let (index, globals) = state.withLock { state in
            state.unitsStarted += 1
            return (UInt64(state.unitsStarted - 1), state.globals)
        }
        var generator = SeededGenerator(seed: runner.configuration.seed, stream: phaseStream, index: index)
        switch plan.pick(&generator) {
        case .request(let request):
            send(
                request, id: "\(phase.name)-\(index + 1)", step: nil, variables: globals, draw: index << 8,
                user: user, scheduledMono: scheduledMono
            ) { result in
                if case .exhausted = result { done(true) } else { done(false) }
            }
        case .flow(let name, let steps):
            runFlow(
                name: name, steps: steps, at: 0, variables: globals, unit: index, user: user, scheduledMono: scheduledMono,
                done: done)
        }
    }

    private func runFlow(
        name: String, steps: [CompiledRequest], at position: Int, variables: [String: JSONValue], unit: UInt64,
        user: VirtualUser, scheduledMono: Int?, done: @escaping @Sendable (Bool) -> Void
    ) {
        let step = steps[position]
        let label = "\(name)/\(step.name)"
        send(
            step, id: "\(phase.name)-\(unit + 1).\(position + 1)", step: label, variables: variables,
            draw: unit << 8 | UInt64(position & 0xFF), user: user, scheduledMono: scheduledMono
        ) { result in
            guard case .response(let outcome) = result else {
                if case .exhausted = result { done(true) } else { done(false) }
                return
            }
            guard position + 1 < steps.count else { return done(false) }
            guard (200..<300).contains(outcome.status) else {
                self.note("flow \(name): step \(step.name) answered \(outcome.status); the rest of the flow was skipped")
                return done(false)
            }
            var next = variables
            if !step.extract.isEmpty {
                let document = outcome.body.flatMap { try? JSONValue.parse(Data($0)) }
                for (variable, pointer) in step.extract.sorted(by: { $0.key < $1.key }) {
                    let found: JSONValue?
                    if pointer == PlanRequest.locationPointer {
                        found = outcome.location.flatMap(PlanRequest.locationValue)
                    } else if pointer.hasPrefix(PlanRequest.searchPrefix) {
                        found = outcome.body.flatMap {
                            PlanRequest.searchValue(
                                $0, template: String(pointer.dropFirst(PlanRequest.searchPrefix.count)), variable: variable)
                        }
                    } else {
                        found = document?.value(atPointer: pointer)
                    }
                    guard let value = found else {
                        self.note("flow \(name): step \(step.name): the response has nothing at \(pointer) for {\(variable)}; the rest of the flow was skipped")
                        return done(false)
                    }
                    next[variable] = value
                }
            }
            // Later steps start when the earlier one ends; in the open model they are not scheduled.
            self.runFlow(
                name: name, steps: steps, at: position + 1, variables: next, unit: unit, user: user, scheduledMono: nil,
                done: done)
        }
    }

    // MARK: Requests

    /// False when the phase's request budget or duration is used up, or a stop came.
    private func takeTicket() -> Bool {
        let now = WallClock.monotonicNs()
        return state.withLock { state in
            if let deadlineMono, now >= deadlineMono { state.stopping = true }
            if let budget = phase.requests, state.issued >= budget { state.stopping = true }
            guard !state.stopping else { return false }
            state.issued += 1
            state.inFlight += 1
            return true
        }
    }

    /// `id` names the logical request: the unit's index (and the flow step's), not the order in
    /// which requests happen to be sent or completed. The runtime draws faults from the request id
    /// (CONTRACTS.md), so two runs with one seed give the same faults to the same logical request,
    /// and `compare` can pair them.
    private func send(
        _ request: CompiledRequest, id: String, step: String?, variables: [String: JSONValue], draw: UInt64,
        user: VirtualUser, scheduledMono: Int?, completion: @escaping @Sendable (SendResult) -> Void
    ) {
        guard takeTicket() else { return completion(.exhausted) }
        if var prebuilt = request.prebuilt {
            prebuilt.headers.replaceOrAdd(name: "X-Chaos-Request-Id", value: id)
            let exemplar: @Sendable () -> RequestExemplar = {
                RequestExemplar(
                    method: request.method.rawValue, path: request.path, headers: request.headers.map { ($0.name, $0.value) },
                    body: request.constantBody.map { Array($0.readableBytesView) })
            }
            authenticate(&prebuilt.headers, request, path: request.path, user: user)
            return execute(
                prebuilt, request, id: id, step: step, path: request.path, user: user, scheduledMono: scheduledMono,
                exemplar: exemplar, completion: completion)
        }
        var generator = SeededGenerator(seed: runner.configuration.seed, stream: phaseStream ^ 0x5bd1_e995, index: draw)
        var chosen = variables
        let lookup: (String) -> JSONValue? = { name in
            if let value = chosen[name] { return value }
            guard let values = request.params[name] ?? self.plan.params[name], !values.isEmpty else { return nil }
            let value = values[Int(generator.next() % UInt64(values.count))]
            chosen[name] = value
            return value
        }
        let path = PlanTemplate.fill(request.path, encode: true, lookup)
        var headers = request.headers
        headers.replaceOrAdd(name: "X-Chaos-Request-Id", value: id)
        var body: HTTPClient.Body?
        let bodyBytes = request.body(lookup)
        if let constant = request.constantBody {
            body = .byteBuffer(constant)
        } else if let bodyBytes {
            body = .byteBuffer(ByteBuffer(bytes: bodyBytes))
        }
        // The exemplar keeps the request without the user's cookies and token: they are secrets,
        // and a reproducer has to log in on its own anyway.
        let sentHeaders = headers
        authenticate(&headers, request, path: path, user: user)
        let httpRequest: HTTPClient.Request
        do {
            httpRequest = try HTTPClient.Request(url: runner.baseURL + path, method: request.method, headers: headers, body: body)
        } catch {
            state.withLock { $0.inFlight -= 1 }
            note("\(request.endpoint): '\(path)' does not make a valid URL (\(error)); fix the plan's values")
            completion(.notSent)
            checkDone()
            return
        }
        let sentBody = bodyBytes
        let exemplar: @Sendable () -> RequestExemplar = {
            RequestExemplar(
                method: request.method.rawValue, path: path, headers: sentHeaders.map { ($0.name, $0.value) },
                body: sentBody)
        }
        execute(
            httpRequest, request, id: id, step: step, path: path, user: user, scheduledMono: scheduledMono,
            exemplar: exemplar, completion: completion)
    }

    /// The user's session on a request: its cookies, its bearer token, and Django's CSRF header
    /// on methods that change state when the jar holds a `csrftoken` cookie.
    private func authenticate(_ headers: inout HTTPHeaders, _ request: CompiledRequest, path: String, user: VirtualUser) {
        let now = Date().timeIntervalSince1970
        if let cookie = user.jar.header(for: path, now: now) { headers.replaceOrAdd(name: "Cookie", value: cookie) }
        if let bearer = user.bearer, !headers.contains(name: "Authorization") {
            headers.add(name: "Authorization", value: "Bearer \(bearer)")
        }
        if request.isUnsafe, !headers.contains(name: "X-CSRFToken"), let token = user.jar.value(named: "csrftoken", now: now) {
            headers.add(name: "X-CSRFToken", value: token)
        }
    }

    private func execute(
        _ httpRequest: HTTPClient.Request, _ request: CompiledRequest, id: String, step: String?, path: String,
        user: VirtualUser, scheduledMono: Int?, exemplar: @escaping @Sendable () -> RequestExemplar,
        completion: @escaping @Sendable (SendResult) -> Void
    ) {
        let collector = ResponseCollector(
            keepBody: !request.extract.isEmpty, cap: runner.configuration.maxResponseBodyBytes)
        let sentMono = WallClock.monotonicNs()
        let scheduled = scheduledMono ?? sentMono
        let task = runner.client.execute(
            request: httpRequest, delegate: collector, eventLoop: .indifferent, deadline: .now() + timeout)
        task.futureResult.whenComplete { result in
            let endMono = WallClock.monotonicNs()
            let latencyNs = endMono - (scheduledMono == nil ? sentMono : scheduled)
            var status: Int?
            var error: LoadErrorKind?
            var bytes = 0
            let sendResult: SendResult
            switch result {
            case .success(let outcome):
                status = outcome.status
                bytes = outcome.bytes
                if outcome.status >= 500 { error = .http5xx }
                user.jar.receive(outcome.setCookies, requestPath: path, now: Date().timeIntervalSince1970)
                if outcome.status == 429 { self.throttled(outcome, user: user) }
                sendResult = .response(outcome)
            case .failure(let failure):
                error = TransportErrorKind.classify(failure)
                sendResult = .transportError
            }
            let record = LoadRecord(
                id: id, phase: self.phase.name, endpoint: request.endpoint, step: step,
                scheduledUnixNs: self.startWall + (scheduled - self.startMono),
                sentUnixNs: self.startWall + (sentMono - self.startMono), latencyUs: max(0, latencyNs / 1000),
                status: status, error: error, bytes: bytes)
            let keep = self.state.withLock { state -> Bool in
                state.inFlight -= 1
                guard !state.finished else { return false }
                state.completed += 1
                return true
            }
            if keep, let recorder = self.recorder {
                recorder.record(record)
                // What a reproducer replays: a few requests per endpoint as they were sent, failed
                // ones and ones that succeeded (which show that the same request works unfaulted).
                let failed = error != nil
                if recorder.wantsExemplar(phase: record.phase, endpoint: record.endpoint, failed: failed) {
                    recorder.keepExemplar(
                        exemplar(), id: id, phase: record.phase, endpoint: record.endpoint, failed: failed)
                }
            }
            completion(sendResult)
            self.checkDone()
        }
    }

    /// A 429: the closed model's worker waits per `Retry-After`, the open model halves its rate
    /// for 5 s. The phase notes say so once.
    private func throttled(_ outcome: ResponseOutcome, user: VirtualUser) {
        let first: Bool
        switch phase.shape {
        case .closed:
            let seconds = RetryAfter.seconds(outcome.retryAfter, now: Date().timeIntervalSince1970)
            user.backOff(nanoseconds: Int(seconds * 1e9))
            first = state.withLock { state in
                defer { state.throttleNoted = true }
                return !state.throttleNoted
            }
            if first {
                note("the target answered 429 Too Many Requests: those answers are counted as throttled, not as errors, and each worker that got one waited as its Retry-After asked (\(Int(RetryAfter.defaultSeconds)) s when absent)")
            }
        case .open:
            let until = WallClock.monotonicNs() + 5_000_000_000
            first = state.withLock { state in
                state.throttledUntilMono = until
                defer { state.throttleNoted = true }
                return !state.throttleNoted
            }
            if first {
                note("the target answered 429 Too Many Requests: those answers are counted as throttled, not as errors, and the open model halved its rate for 5 s after each")
            }
        }
    }

    // MARK: Ending

    private func note(_ message: String) {
        state.withLock { $0.notes[message, default: 0] += 1 }
    }

    /// Stops sending. On an interrupt, in-flight requests get the phase's grace period, then are abandoned.
    private func beginStop(interrupted: Bool) {
        let proceed = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.stopping = true
            if interrupted { state.interrupted = true }
            return true
        }
        guard proceed else { return }
        if interrupted {
            loop.scheduleTask(in: .nanoseconds(Int64(phase.graceSeconds * 1e9))) { self.finish() }
        }
        checkDone()
    }

    private func checkDone() {
        let ready = state.withLock { state in
            state.stopping && state.schedulerDone && state.inFlight == 0 && state.activeUnits == 0
        }
        if ready { finish() }
    }

    private func finish() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished, let continuation = state.continuation else { return nil }
            state.finished = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume()
    }
}

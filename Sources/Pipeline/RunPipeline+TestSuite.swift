import Artifacts
import Foundation
import Injection
import Patching
import TestEvidence

/// `run --coverage` and `run --pytest`: evidence from the app's own tooling, collected while
/// the hooks are still in the source (coverage.py's line numbers and the tests both need the
/// injected files), then folded into the run folder.
extension RunPipeline {
    static let coverageFolder = "coverage"
    static let coverageXML = "coverage.xml"
    static let pytestFolder = "pytest"

    // MARK: - --coverage

    /// The serve command under coverage.py: `python -m coverage run --rcfile=... <the rest>`.
    /// Only a command that starts with the run's Python can be wrapped.
    func coverageCommand(_ command: [String], settings: RunSettings, runFolder: URL) async throws(RunError) -> [String] {
        guard options.coverage else { return command }
        guard let first = command.first, first == settings.python, command.count > 1 else {
            throw RunError.badInput(
                "--coverage runs the app as `{python} -m coverage run ...`, but the serve command starts with \(command.first ?? "nothing"); "
                    + "make it start with {python}, or drop --coverage")
        }
        let folder = runFolder.appendingPathComponent(Self.coverageFolder)
        // sigterm: coverage saves its data when the run stops the app with SIGTERM. The
        // virtualenv and the runtime are not the app's code.
        let rc = """
            [run]
            data_file = \(folder.appendingPathComponent(".coverage").path)
            source = \(settings.root.path)
            omit =
                */.venv/*
                */venv/*
                */site-packages/*
                */chaos_test_runtime.py
            sigterm = true

            """
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(rc.utf8).write(to: folder.appendingPathComponent("coveragerc"))
        } catch {
            throw RunError.environment("cannot write \(folder.path)/coveragerc: \(error)")
        }
        let check = await Self.runToCompletion(
            [settings.python, "-c", "import coverage"], directory: settings.root.path, environment: [:],
            log: folder.appendingPathComponent("check.log"), timeout: 30)
        guard check == 0 else {
            throw RunError.environment("--coverage needs coverage.py in \(settings.python): install it (`pip install coverage`) or drop --coverage")
        }
        return [first, "-m", "coverage", "run", "--rcfile=\(folder.appendingPathComponent("coveragerc").path)"] + command.dropFirst()
    }

    /// After the app stopped: `coverage xml`, then exercise.json from it.
    func collectCoverage(settings: RunSettings, runFolder: URL) async {
        guard options.coverage else { return }
        let scan = Self.decodeIfPresent(ScanResult.self, runFolder.appendingPathComponent("scan.json"))
        await phase("coverage") {
            let folder = runFolder.appendingPathComponent(Self.coverageFolder)
            let xml = runFolder.appendingPathComponent(Self.coverageXML)
            let status = await Self.runToCompletion(
                [settings.python, "-m", "coverage", "xml", "--rcfile=\(folder.appendingPathComponent("coveragerc").path)", "-o", xml.path],
                directory: settings.root.path, environment: [:], log: runFolder.appendingPathComponent("logs/coverage.log"), timeout: 120)
            guard status == 0 else {
                note(partial: "--coverage: `coverage xml` failed (exit \(status)); see logs/coverage.log")
                return
            }
            do {
                let coverage = try CoberturaReader.read(contentsOf: xml)
                guard let config = Self.decodeIfPresent(ChaosConfig.self, runFolder.appendingPathComponent("chaos-config.json")) else {
                    note(partial: "--coverage: chaos-config.json is missing, so no point can be matched to coverage")
                    return
                }
                let summary = try? LoadResultsReader(url: runFolder.appendingPathComponent("load-results.json")).header().summary
                var requests: [String: Int] = [:]
                for phase in (summary ?? [:]).values {
                    for (endpoint, figures) in phase where endpoint != EndpointSummary.overallKey { requests[endpoint, default: 0] += figures.count }
                }
                let report = ExerciseAnalysis.analyze(
                    coverage: coverage, coverageFile: Self.coverageXML, config: config, routes: scan?.routes ?? [], requests: requests)
                try write(report, to: runFolder.appendingPathComponent(ExerciseReport.fileName))
                say("  coverage: \(report.notExercised.count) of \(report.routes.count) routes never ran, \(report.pointsNotReached.count) points never reached")
            } catch {
                note(partial: "--coverage: \(error)")
            }
        }
    }

    // MARK: - --pytest

    /// Runs the app's pytest suite with chaos off, then on (the run's hooks and settings), with
    /// the runtime loaded as a pytest plugin so each fired fault names the test it fired in.
    func runTestSuite(settings: RunSettings, appRoot: AppRoot, runFolder: URL) async {
        guard options.pytest else { return }
        await phase("pytest") {
            let folder = runFolder.appendingPathComponent(Self.pytestFolder)
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // No cache folder and no bytecode: the app's tree must stay byte-identical.
            let base = [settings.python, "-m", "pytest", "-p", "chaos_test_runtime", "-p", "no:cacheprovider", "-q", "-o", "junit_family=xunit2"]
            var sides: [String: (TestRunComparison.Side, JUnitReport)] = [:]
            for (name, change) in [("baseline", LiveControl.Change.off), ("chaos", .on)] {
                do { _ = try LiveControl.apply(change, root: appRoot) } catch {
                    note(partial: "--pytest: cannot switch chaos \(name == "chaos" ? "on" : "off"): \(error)")
                    return
                }
                let junit = folder.appendingPathComponent("\(name).xml")
                let status = await Self.runToCompletion(
                    base + ["--junitxml=\(junit.path)"], directory: settings.root.path,
                    environment: [
                        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
                        "CHAOS_TEST_EVENTS": folder.appendingPathComponent("events-\(name).jsonl").path,
                    ],
                    log: folder.appendingPathComponent("\(name).log"), timeout: max(120, options.deadline))
                do {
                    let report = try JUnitReader.read(contentsOf: junit)
                    let failed = report.cases.filter { $0.outcome.isProblem }.count
                    let skipped = report.cases.filter { if case .skipped = $0.outcome { true } else { false } }.count
                    sides[name] = (
                        TestRunComparison.Side(
                            junit: "\(Self.pytestFolder)/\(name).xml", exitStatus: Int(status), tests: report.cases.count, failed: failed, skipped: skipped),
                        report
                    )
                    say("  pytest with chaos \(name == "chaos" ? "on" : "off"): \(report.cases.count) tests, \(failed) failed")
                } catch {
                    note(
                        partial: "--pytest: the \(name) run (exit \(status)) left no readable JUnit file: \(error); "
                            + "see pytest/\(name).log (is pytest installed in \(settings.python)?)")
                }
            }
            do { _ = try LiveControl.apply(.off, root: appRoot) } catch {}
            guard let baseline = sides["baseline"], let chaos = sides["chaos"] else { return }
            let events = (try? ChaosEvent.read(folder.appendingPathComponent("events-chaos.jsonl")).events) ?? []
            let failures = ChaosOnlyFailures.compare(baseline: baseline.1, chaos: chaos.1, events: events)
            let comparison = TestRunComparison(
                command: base + ["--junitxml=<run>/pytest/<side>.xml"], baseline: baseline.0, chaos: chaos.0, chaosOnlyFailures: failures)
            try? write(comparison, to: runFolder.appendingPathComponent(TestRunComparison.fileName))
            say("  \(failures.count) tests fail only under chaos")
        }
    }

    // MARK: - Helpers

    /// Runs a command to completion with its output in `log`, stopping it by PID (SIGTERM,
    /// 5 s, SIGKILL) after `timeout` seconds. Returns its exit status, or -1 when it could not
    /// start or was stopped.
    static func runToCompletion(_ words: [String], directory: String, environment: [String: String], log: URL, timeout: Double) async -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: words[0].contains("/") ? words[0] : "/usr/bin/env")
        process.arguments = words[0].contains("/") ? Array(words.dropFirst()) : words
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try? FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        guard let handle = try? FileHandle(forWritingTo: log) else { return -1 }
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGTERM)
                let grace = Date().addingTimeInterval(5)
                while process.isRunning, Date() < grace { try? await Task.sleep(for: .milliseconds(50)) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                return -1
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }
}

import Artifacts
import Foundation

/// Everything `analyze` reads from a run folder (CONTRACTS.md "Folders"), loaded and checked once.
struct RunFolder {
    var url: URL
    /// run.json; optional, because only the app root is taken from it.
    var run: RunRecord?
    var scan: ScanResult
    var config: ChaosConfig
    var load: LoadResultsReader.Header
    var requests: RequestLog
    /// Fault lines of events.jsonl (settings reloads left out), the app's and every injected
    /// service's; a service's point ids are namespaced `<service>/<id>` (see ``ServiceFaults``).
    var events: [ChaosEvent]
    /// The services the run injected, with their chaos-config.json (issue 8.5b).
    var services: ServiceFaults
    /// `pytest.json`, when the run ran the app's test suite (`run --pytest`).
    var testSuite: TestRunComparison?
    /// `logs/*.log`, by file name, in name order.
    var logs: [(name: String, text: String)]
    /// What the analysis had to do without.
    var notes: [String]

    static let runFile = "run.json"
    static let scanFile = "scan.json"
    static let configFile = "chaos-config.json"
    static let loadFile = "load-results.json"
    static let eventsFile = "events.jsonl"
    static let logsFolder = "logs"

    init(url: URL) throws {
        self.url = url
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw AnalysisError.notAFolder(url)
        }
        var notes: [String] = []

        let runURL = url.appendingPathComponent(Self.runFile)
        if FileManager.default.fileExists(atPath: runURL.path) {
            run = try Self.decode(RunRecord.self, at: runURL)
            if let partial = run?.partial, !partial.isEmpty {
                notes.append("the run was partial: " + partial.joined(separator: "; "))
            }
        } else {
            run = nil
            notes.append("run.json is missing: app files in tracebacks were recognized by their paths alone")
        }
        scan = try Self.decode(ScanResult.self, at: try Self.required(Self.scanFile, in: url))
        config = try Self.decode(ChaosConfig.self, at: try Self.required(Self.configFile, in: url))

        let loadURL = try Self.required(Self.loadFile, in: url)
        let reader = LoadResultsReader(url: loadURL)
        do {
            load = try reader.header()
            var log = RequestLog()
            let model = load.meta.model
            try reader.forEachRecord { log.append($0, model: model) }
            requests = log
        } catch let error as LoadResultsReadError {
            throw AnalysisError.unreadable(loadURL, error.message)
        }
        if load.meta.partial { notes.append("the load was cut short: load-results.json is marked partial") }
        if requests.duplicateIds > 0 {
            notes.append("\(requests.duplicateIds) load records repeat an earlier request id; faults were joined to the first")
        }

        services = try ServiceFaults(runFolder: url, run: run)
        let eventsURL = url.appendingPathComponent(Self.eventsFile)
        if FileManager.default.fileExists(atPath: eventsURL.path) {
            do {
                let read = try ChaosEvent.read(eventsURL)
                events = read.events.filter { $0.settings == nil && $0.point != nil }
                if read.unreadableLines > 0 {
                    notes.append("\(read.unreadableLines) lines of events.jsonl are not events and were skipped")
                }
            } catch {
                throw AnalysisError.unreadable(eventsURL, error)
            }
        } else {
            events = []
            notes.append("events.jsonl is missing: no fault is known to have fired, so no failure is attributed")
        }

        events = events.map(services.namespaced)

        let logsURL = url.appendingPathComponent(Self.logsFolder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: logsURL.path)) ?? [])
            .filter { $0.hasSuffix(".log") }.sorted()
        var logs: [(name: String, text: String)] = []
        for name in names {
            let logURL = logsURL.appendingPathComponent(name)
            do {
                // Logs may hold bytes that are not UTF-8 (an app printing binary); decode leniently.
                let data = try Data(contentsOf: logURL)
                logs.append((name, String(decoding: data, as: UTF8.self)))
            } catch {
                throw AnalysisError.unreadable(logURL, error)
            }
        }
        if logs.isEmpty { notes.append("logs/ holds no .log file: tracebacks could not be read") }
        let testSuiteURL = url.appendingPathComponent(TestRunComparison.fileName)
        testSuite = FileManager.default.fileExists(atPath: testSuiteURL.path)
            ? try Self.decode(TestRunComparison.self, at: testSuiteURL) : nil
        self.logs = logs
        self.notes = notes
    }

    private static func required(_ name: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else { throw AnalysisError.missingFile(file) }
        return file
    }

    private static func decode<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
        do {
            return try ArtifactJSON.decode(type, from: Data(contentsOf: url))
        } catch {
            throw AnalysisError.unreadable(url, error)
        }
    }
}

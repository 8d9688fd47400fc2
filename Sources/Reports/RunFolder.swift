import Artifacts
import Foundation

/// The artifacts of one run folder, read as their contracts say. `run.json`,
/// `load-results.json` and `failure-patterns.json` are required; the others may be absent after
/// a run that stopped early, and the report says so.
struct RunFolder {
    static let runFile = "run.json"
    static let configFile = "chaos-config.json"
    static let loadFile = "load-results.json"
    static let patternsFile = "failure-patterns.json"
    static let proposalsFile = "fix-proposals.json"
    static let eventsFile = "events.jsonl"

    let url: URL
    let run: RunRecord
    let config: ChaosConfig?
    let load: LoadResultsReader
    let loadHeader: LoadResultsReader.Header
    let patterns: FailurePatterns
    let proposals: FixProposals?
    let testSuite: TestRunComparison?
    let exercise: ExerciseReport?
    let events: [ChaosEvent]
    /// `services/<name>/chaos-config.json` of each service the run injected, by name.
    let services: [(name: String, config: ChaosConfig)]
    /// ramp.json, when the run ramped the fault rate (issue 8).
    let ramp: RampResult?
    /// Lines of events.jsonl that did not parse (a torn last line after a crash).
    let unreadableEventLines: Int

    init(_ url: URL) throws {
        self.url = url
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError(
                kind: .input, message: "\(url.path) is not a folder; pass the folder of a run (<app>/.chaos-test/runs/latest).")
        }
        run = try Self.decode(RunRecord.self, Self.runFile, in: url, required: true)!
        config = try Self.decode(ChaosConfig.self, Self.configFile, in: url, required: false)
        patterns = try Self.decode(FailurePatterns.self, Self.patternsFile, in: url, required: true)!
        proposals = try Self.decode(FixProposals.self, Self.proposalsFile, in: url, required: false)
        ramp = try Self.decode(RampResult.self, RampResult.fileName, in: url, required: false)
        let servicesURL = url.appendingPathComponent("services")
        services = try ((try? FileManager.default.contentsOfDirectory(atPath: servicesURL.path)) ?? []).sorted().compactMap { name in
            try Self.decode(ChaosConfig.self, "services/\(name)/\(Self.configFile)", in: url, required: false).map { (name, $0) }
        }
        testSuite = try Self.decode(TestRunComparison.self, TestRunComparison.fileName, in: url, required: false)
        exercise = try Self.decode(ExerciseReport.self, ExerciseReport.fileName, in: url, required: false)
        let loadURL = url.appendingPathComponent(Self.loadFile)
        guard FileManager.default.fileExists(atPath: loadURL.path) else { throw ReportError.missing(Self.loadFile, in: url.path) }
        load = LoadResultsReader(url: loadURL)
        do {
            loadHeader = try load.header()
        } catch {
            throw ReportError.unreadable(Self.loadFile, in: url.path, error)
        }
        do {
            (events, unreadableEventLines) = try ChaosEvent.read(url.appendingPathComponent(Self.eventsFile))
        } catch {
            throw ReportError.unreadable(Self.eventsFile, in: url.path, error)
        }
    }

    /// Whether the run folder holds `name`.
    func has(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path)
    }

    /// The text of a file named by a relative path inside the run folder, or why it cannot be read.
    func text(atRelativePath path: String) -> Result<String, ReportNote> {
        let components = path.split(separator: "/")
        guard !path.hasPrefix("/"), !components.contains("..") else {
            return .failure(ReportNote("\(path) is not a path inside the run folder"))
        }
        let fileURL = url.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: fileURL.path) else {
            return .failure(ReportNote("\(path) is missing from the run folder"))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ name: String, in url: URL, required: Bool) throws -> T? {
        let fileURL = url.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: fileURL.path) else {
            if required { throw ReportError.missing(name, in: url.path) }
            return nil
        }
        do {
            return try ArtifactJSON.decode(type, from: data)
        } catch {
            throw ReportError.unreadable(name, in: url.path, error)
        }
    }
}

/// A sentence for the report about something that could not be shown.
struct ReportNote: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

import Analysis
import ArgumentParser
import Artifacts
import Foundation

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Find the failure patterns of a run folder and write its failure-patterns.json.")

    @Argument(help: "The run folder (for example <app>/.chaos-test/runs/latest).") var runDir: String
    @Flag(help: "Machine output on stdout: failure-patterns.json.") var json = false

    func run() throws {
        let folder = URL(fileURLWithPath: runDir)
        let patterns: FailurePatterns
        do {
            patterns = try Analyzer.write(runFolder: folder)
        } catch let error as AnalysisError {
            throw CLIFailure(message: error.description, code: error.isEnvironmentProblem ? .environment : .badInput)
        }
        if json {
            try CommandSupport.printJSON(patterns)
            return
        }
        let measured = patterns.patterns.filter { $0.evidenceKind == .measured }.count
        print(
            "\(patterns.patterns.count) patterns (\(measured) measured, \(patterns.patterns.count - measured) static), "
                + "\(patterns.tracebacks.count) traceback groups; wrote "
                + folder.appendingPathComponent(Analyzer.outputFile).path)
        for pattern in patterns.patterns {
            let place = pattern.locations.first.map { "  \($0.file):\($0.line)" } ?? ""
            print("  \(pattern.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                + "\(pattern.id): \(pattern.title) (impact \(pattern.impact))\(place)")
        }
        for note in patterns.notes { print("note: \(note)") }
    }
}

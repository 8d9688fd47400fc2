import ArgumentParser
import Foundation
import Reports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write chaos-test-report.md (or .json) and its charts from a run folder.")

    @Argument(help: "The run folder (<app>/.chaos-test/runs/<time> or runs/latest).") var runDir: String
    @Option(help: "md: chaos-test-report.md; json: chaos-test-report.json with the same content as data.")
    var format: ReportFormat = .md

    func run() throws {
        let folder = URL(fileURLWithPath: runDir).standardizedFileURL
        do {
            let written = try ReportWriter.write(runFolder: folder, format: format)
            print(written.path)
        } catch let error as ReportError {
            throw CLIFailure(message: error.message, code: error.kind == .input ? .badInput : .environment)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

import ArgumentParser
import Artifacts
import Fixes
import Foundation

struct ProposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose",
        abstract: "Write ranked fix proposals, each with a unified diff, for a run folder.",
        discussion: """
            Reads run.json, scan.json and failure-patterns.json from the run folder and the app's source \
            (the app root in run.json, or --source). Writes fix-proposals.json and fixes/NNN-<recipe>.patch; \
            every diff is against the source the run saw and compiles.
            """)

    @Argument(help: "The run folder (for example <app>/.chaos-test/runs/latest).") var runDir: String
    @Option(help: "Read the app's source from this folder instead of run.json's app root.") var source: String?
    @Option(help: "The Python that compile-checks the diffs (default: run.json's, else python3).") var python: String?
    @Flag(help: "Machine output on stdout: fix-proposals.json.") var json = false

    func run() throws {
        let folder = URL(fileURLWithPath: runDir)
        let output: FixProposer.Output
        do {
            output = try FixProposer.write(runFolder: folder, sourceRoot: source, python: python)
        } catch {
            throw CLIFailure(message: error.message, code: error.code == .environment ? .environment : .badInput)
        }
        if json {
            try CommandSupport.printJSON(output.proposals)
            return
        }
        let withDiff = output.proposals.proposals.filter { $0.patch != nil }.count
        print(
            "\(output.proposals.proposals.count) proposals (\(withDiff) with a diff); wrote "
                + folder.appendingPathComponent("fix-proposals.json").path)
        for proposal in output.proposals.proposals {
            let diff = proposal.patch ?? "no diff"
            print(
                "  \(proposal.id) [\(proposal.evidence.rawValue), \(proposal.applicability.rawValue)] \(proposal.title)"
                    + "  \(proposal.file):\(proposal.line)  (\(diff))")
        }
        for note in output.notes { print("note: \(note)") }
    }
}

import ArgumentParser
import Artifacts
import Foundation

/// The `chaos-test` command line: each subcommand maps its flags to a configuration value and
/// makes one call into the library module of its pipeline stage.
struct ChaosTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos-test",
        abstract: "Find where a Python web app breaks under failure, and get reviewable fixes.",
        version: ToolVersion.current,
        subcommands: [
            ScanCommand.self, InjectCommand.self, RevertCommand.self, ChaosCommand.self, StatusCommand.self,
            CheckCommand.self, LoadCommand.self, RunCommand.self, DemoCommand.self, AnalyzeCommand.self,
            ReportCommand.self, ProposeCommand.self, ApplyFixCommand.self, RevertFixCommand.self, CompareCommand.self,
        ]
    )
}

/// Runs the command and maps every failure to CONTRACTS.md's exit codes: 2 for bad arguments
/// (ArgumentParser's own usage errors included), and the code a `CLIFailure` carries.
@main
enum Main {
    static func main() async {
        do {
            var command = try ChaosTest.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("chaos-test: \(failure.message)\n".utf8))
            exit(failure.code.rawValue)
        } catch {
            let code = ChaosTest.exitCode(for: error)
            if code == .success {
                ChaosTest.exit(withError: error)
            }
            FileHandle.standardError.write(Data((ChaosTest.fullMessage(for: error) + "\n").utf8))
            exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

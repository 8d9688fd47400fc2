import ArgumentParser
import Artifacts

/// The `chaos-test` command line: each subcommand maps its flags to a configuration value and
/// makes one call into the library module of its pipeline stage.
@main
struct ChaosTest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos-test",
        abstract: "Find where a Python web app breaks under failure, and get reviewable fixes.",
        version: ToolVersion.current,
        subcommands: [InjectCommand.self, RevertCommand.self, ChaosCommand.self, StatusCommand.self, CheckCommand.self]
    )
}

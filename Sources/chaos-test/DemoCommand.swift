import ArgumentParser
import Foundation
import Pipeline

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole chaos test on the built-in sample (Samples/orbital-travel-planner).",
        discussion: "On first use it creates the sample's virtualenv and installs its pinned requirements."
    )

    @Option(help: "Seconds of chaos load.") var duration: Double?
    @Option(help: "Seed for faults and the load plan.") var seed: UInt64 = 1

    func run() async throws {
        guard let sample = Self.findSample() else {
            throw CLIFailure(
                message: "cannot find Samples/orbital-travel-planner: run `chaos-test demo` from the chaos-test checkout",
                code: .environment)
        }
        let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let python: String
        do { python = try await ExperimentSetup.prepare(appRoot: sample, say: say) } catch {
            throw CLIFailure(message: error.description, code: error.exitStatus == 2 ? .badInput : .environment)
        }
        var options = RunOptions(appRoot: sample)
        options.python = python
        options.duration = duration
        options.seed = seed
        let outcome = try await RunCommand.execute(options)
        // The demo shows the tool working; an SLO breach in the sample is the expected finding.
        _ = outcome
    }

    /// The sample folder: from the working directory upwards, then from the executable's
    /// location (`.build/<config>/chaos-test` in a checkout).
    static func findSample() -> URL? {
        var candidates: [URL] = []
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            candidates.append(directory)
            directory.deleteLastPathComponent()
        }
        var executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<5 {
            executable.deleteLastPathComponent()
            candidates.append(executable)
        }
        for candidate in candidates {
            let sample = candidate.appendingPathComponent("Samples/orbital-travel-planner")
            if FileManager.default.fileExists(atPath: sample.appendingPathComponent("chaos-test.yaml").path) { return sample }
        }
        return nil
    }
}

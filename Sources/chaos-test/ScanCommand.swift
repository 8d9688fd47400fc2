import ArgumentParser
import Artifacts
import Discovery
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find route handlers, dependency calls and which routes reach which calls.",
        discussion: "Exit status: 0 on success, 1 when the folder holds no Python, 2 on bad arguments."
    )

    @Argument(help: "The folder that holds the app's source.", completion: .directory)
    var appDir: String

    @Flag(help: "Print scan.json on stdout.")
    var json = false

    @Option(name: .customLong("exclude"), help: "Skip paths matching this glob (repeatable).")
    var excludes: [String] = []

    @Option(help: "Skip files larger than this many bytes.")
    var maxFileSize: Int = ScanOptions.defaultMaxFileSize

    func validate() throws {
        guard maxFileSize > 0 else {
            throw ValidationError("--max-file-size must be a positive number of bytes, not \(maxFileSize)")
        }
    }

    func run() throws {
        let options = ScanOptions(root: URL(fileURLWithPath: appDir), excludes: excludes, maxFileSize: maxFileSize)
        let result: ScanResult
        do {
            result = try Scanner.scan(options)
        } catch {
            switch error {
            case .notADirectory: throw CLIFailure(message: error.description, code: .badInput)
            case .noPythonFiles: throw CLIFailure(message: error.description, code: .checkFailed)
            }
        }
        if json {
            FileHandle.standardOutput.write(try ArtifactJSON.encode(result))
        } else {
            print(ScanTable.render(result), terminator: "")
        }
    }
}

import ArgumentParser
import Foundation
import Injection

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 1 if any chaos hook, middleware line or runtime file is in the source (for CI and pre-commit).")

    @Argument(help: "The folder of the Python app.") var appDir: String

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let findings = try HookCheck.findings(root)
            guard findings.isEmpty else {
                for finding in findings { print(finding) }
                FileHandle.standardError.write(
                    Data(
                        "chaos-test: \(findings.count) chaos-test lines or files are in the source; run `chaos-test revert \(appDir)`.\n"
                            .utf8))
                throw ExitCode(1)
            }
            print("no chaos-test hooks in \(root.path)")
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }
}

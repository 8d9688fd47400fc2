import ArgumentParser
import Foundation
import Injection

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Exit 1 if any chaos hook, middleware line, runtime file or leftover chaos-test temporary file is in the tree (for CI and pre-commit)."
    )

    @Argument(help: "The folder of the Python app.") var appDir: String

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let findings = try HookCheck.scan(root)
            guard findings.isEmpty else {
                for finding in findings { print(finding) }
                let leftovers = findings.filter {
                    if case .leftoverTemporary = $0.kind { return true } else { return false }
                }
                var advice: [String] = []
                if leftovers.count < findings.count { advice.append("run `chaos-test revert \(appDir)`") }
                if !leftovers.isEmpty {
                    advice.append(
                        "delete the \(leftovers.count) leftover temporary file\(leftovers.count == 1 ? "" : "s") listed "
                            + "(`revert` does not remove them)")
                }
                FileHandle.standardError.write(
                    Data(
                        ("chaos-test: \(findings.count) chaos-test lines or files are in the tree of \(root.path); "
                            + advice.joined(separator: ", and ") + ".\n").utf8))
                throw ExitCode(1)
            }
            print("no chaos-test hooks in \(root.path)")
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }
}

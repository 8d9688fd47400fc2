import ArgumentParser
import Foundation
import Injection

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Is chaos injected, which points, on or off, which fixes, any interrupted command.")

    @Argument(help: "The folder of the Python app.") var appDir: String
    @Flag(help: "Machine output on stdout.") var json = false

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let status = try LiveControl.status(root: root)
            if json {
                try CommandSupport.printJSON(status)
                return
            }
            if let journal = status.journalPending {
                print(
                    "an interrupted `\(journal)` left a journal; the next inject, revert or chaos command will recover it"
                )
            }
            defer { printLeftovers(status, root: root.path) }
            guard status.injected else {
                print(
                    "chaos is not injected in \(root.path)"
                        + (status.hooksInSource > 0
                            ? " (but \(status.hooksInSource) chaos-test lines or files are in the tree: run `chaos-test check`)"
                            : ""))
                return
            }
            print(
                "chaos is injected: \(status.points.count) points, \(status.enabled == true ? "on" : "off"), rate \(status.rate ?? 0); "
                    + "\(status.fixesApplied) fixes applied")
            for point in status.points {
                print(
                    "  \(point.short)  \(point.kind.rawValue)  \(point.file):\(point.line)  \(point.function)  \(point.routes.joined(separator: ", "))"
                )
            }
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }

    /// Hooked code that no revert would remove, and temporary files of an interrupted command.
    private func printLeftovers(_ status: LiveControl.Status, root: String) {
        if !status.strayFindings.isEmpty {
            print(
                "\(status.strayFindings.count) chaos-test lines are in files chaos-test did not inject (or in a tree "
                    + "where nothing is injected); remove them by hand or restore the files from version control:")
            for finding in status.strayFindings { print("  \(finding)") }
        }
        if !status.leftoverTemporaries.isEmpty {
            print(
                "\(status.leftoverTemporaries.count) temporary files of an interrupted chaos-test command are in \(root); "
                    + "delete those in the tree, and the next inject, revert or chaos command removes those in .chaos-test/tmp:")
            for path in status.leftoverTemporaries { print("  \(path)") }
        }
    }
}

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
            guard status.injected else {
                print(
                    "chaos is not injected in \(root.path)"
                        + (status.hooksInSource > 0
                            ? " (but \(status.hooksInSource) hook lines are in the source: run `chaos-test check`)"
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
}

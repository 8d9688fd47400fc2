import ArgumentParser
import Foundation
import Injection

struct RevertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert",
        abstract: "Remove every hook, the runtime and the settings; restore the original bytes (checked by hash).")

    @Argument(help: "The folder of the Python app.") var appDir: String
    @Flag(help: "Machine output on stdout.") var json = false

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let report = try Injector.revert(root: root)
            if json {
                try CommandSupport.printJSON([
                    "reverted": report.reverted ? 1 : 0, "restored": report.restored.count,
                    "merged": report.merged.count,
                ])
            } else {
                if let recovered = report.recovered { print(CommandSupport.describe(recovered)) }
                if report.reverted {
                    print(
                        "reverted: \(report.restored.count) files restored byte for byte"
                            + (report.merged.isEmpty
                                ? ""
                                : "; hooks removed from \(report.merged.count) edited files, keeping the edits: "
                                    + report.merged.joined(separator: ", ")))
                } else {
                    print("nothing to revert: chaos is not injected in \(root.path)")
                }
            }
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
        // "Nothing to revert" must not hide hooked code that no config or journal lists.
        try CommandSupport.requireCleanTree(root, after: "revert")
    }
}

import ArgumentParser
import Fixes
import Foundation

struct ApplyFixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply-fix",
        abstract: "Apply one fix proposal's patch to the app, transactionally, and record it in .chaos-test/fixes.json.")

    @Argument(help: "The app's root folder.") var appDir: String
    @Argument(help: "The proposal id (fix-NNN) from fix-proposals.json.") var id: String?
    @Flag(help: "Apply the highest-ranked proposal with a diff that is not applied yet.") var top = false
    @Option(name: .customLong("run"), help: "The run folder the proposal comes from (default: <app>/.chaos-test/runs/latest).")
    var runFolder: String?

    func validate() throws {
        if (id == nil) == !top { throw ValidationError("Give a proposal id or --top, not both and not neither.") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: runFolder ?? appDir + "/.chaos-test/runs/latest").resolvingSymlinksInPath()
        let outcome: FixApplier.Outcome
        do {
            outcome = try FixApplier.apply(appRoot: appDir, runFolder: folder, selection: id.map { .id($0) } ?? .top)
        } catch {
            throw CLIFailure(message: error.message, code: error.code == .environment ? .environment : .badInput)
        }
        print("applied \(outcome.fixes.joined(separator: ", ")) to \(outcome.files.joined(separator: ", "))")
        if !outcome.merged.isEmpty {
            print("merged onto changes made since the run: \(outcome.merged.joined(separator: ", "))")
        }
        print("undo with: chaos-test revert-fix \(appDir) \(outcome.fixes[0])")
    }
}

struct RevertFixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert-fix",
        abstract: "Undo applied fixes byte for byte (the newest with no argument).")

    @Argument(help: "The app's root folder.") var appDir: String
    @Argument(help: "The applied fix's id (fix-NNN).") var id: String?
    @Flag(help: "Revert every applied fix, newest first.") var all = false

    func validate() throws {
        if id != nil && all { throw ValidationError("Give a fix id or --all, not both.") }
    }

    func run() throws {
        let outcome: FixApplier.Outcome
        do {
            outcome = try FixApplier.revert(appRoot: appDir, selection: all ? .all : id.map { .id($0) } ?? .top)
        } catch {
            throw CLIFailure(message: error.message, code: error.code == .environment ? .environment : .badInput)
        }
        if outcome.fixes.isEmpty {
            print("no fix is applied")
            return
        }
        print("reverted \(outcome.fixes.joined(separator: ", ")) in \(outcome.files.joined(separator: ", "))")
        if !outcome.merged.isEmpty {
            print("kept the changes made since in: \(outcome.merged.joined(separator: ", "))")
        }
    }
}

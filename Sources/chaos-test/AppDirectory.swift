import ArgumentParser
import Foundation
import Injection
import Patching

/// Shared by the inject-family commands: the app folder argument and the error-to-exit mapping.
enum CommandSupport {
    static func root(_ path: String) throws -> AppRoot {
        do { return try AppRoot(path) } catch {
            throw fail(InjectionError(.input, "\(error)"))
        }
    }

    /// The failure `Main` prints, with the exit code CONTRACTS.md gives it.
    static func fail(_ error: InjectionError) -> CLIFailure {
        let code: CLIFailure.Code
        switch error.kind {
        case .conflict: code = .checkFailed
        case .input: code = .badInput
        case .environment: code = .environment
        }
        return CLIFailure(message: error.message, code: code)
    }

    /// The line that says an interrupted command was finished first, and which temporary files it left.
    static func describe(_ recovered: Transaction.Recovered) -> String {
        "recovered an interrupted `\(recovered.operation)` (\(recovered.recovery.rawValue)) first"
            + (recovered.temporaries.isEmpty
                ? "" : ", removing its temporary files: " + recovered.temporaries.joined(separator: ", "))
    }

    /// Fails with exit 1 when chaos-test lines or leftover temporary files are still in the tree.
    static func requireCleanTree(_ root: AppRoot, after command: String) throws {
        let findings: [HookCheck.Finding]
        do { findings = try HookCheck.scan(root) } catch { throw fail(error) }
        guard !findings.isEmpty else { return }
        throw CLIFailure(
            message: "\(command) finished, but chaos-test lines or files are still in the tree of \(root.path):\n"
                + findings.map { "  \($0)" }.joined(separator: "\n")
                + "\nNo chaos-config.json or journal lists them, so chaos-test cannot restore them: delete the leftover "
                + "files and remove those lines (or restore the files from version control) before you commit.",
            code: .checkFailed)
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}

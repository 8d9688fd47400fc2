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

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}

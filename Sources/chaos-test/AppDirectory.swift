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

    /// Prints the message to stderr and returns the exit code CONTRACTS.md gives it.
    static func fail(_ error: InjectionError) -> ExitCode {
        FileHandle.standardError.write(Data("chaos-test: \(error.message)\n".utf8))
        return ExitCode(error.exitCode)
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
    }
}

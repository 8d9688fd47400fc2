import Foundation

/// A run folder that cannot be analyzed, with the file at fault and what to do about it.
public struct AnalysisError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable, Equatable {
        case notAFolder
        case missingFile
        case unreadableFile
        case cannotWrite
    }

    private let code: Code
    /// The folder or file the problem is about.
    public let path: String
    /// What went wrong underneath (a decoder's message), when something did.
    public let detail: String?

    /// True when the folder could not be written, which is the machine's problem, not the input's.
    public var isEnvironmentProblem: Bool { code == .cannotWrite }

    public var description: String {
        switch code {
        case .notAFolder:
            return "\(path) is not a run folder; pass the folder `chaos-test run` wrote "
                + "(for example <app>/.chaos-test/runs/latest)."
        case .missingFile:
            return "\(path) is missing; a run folder needs it. Re-run `chaos-test run`, "
                + "or copy the file from the run that made this folder."
        case .unreadableFile:
            return "\(path) cannot be read: \(detail ?? "unknown error"). "
                + "The file may be truncated or from another version; re-run `chaos-test run` to write it again."
        case .cannotWrite:
            return "cannot write \(path): \(detail ?? "unknown error"). Check that the folder is writable and has space."
        }
    }

    static func notAFolder(_ url: URL) -> AnalysisError { AnalysisError(code: .notAFolder, path: url.path, detail: nil) }
    static func missingFile(_ url: URL) -> AnalysisError { AnalysisError(code: .missingFile, path: url.path, detail: nil) }
    static func unreadable(_ url: URL, _ error: any Error) -> AnalysisError {
        AnalysisError(code: .unreadableFile, path: url.path, detail: Self.describe(error))
    }
    static func unreadable(_ url: URL, _ detail: String) -> AnalysisError {
        AnalysisError(code: .unreadableFile, path: url.path, detail: detail)
    }
    static func cannotWrite(_ url: URL, _ error: any Error) -> AnalysisError {
        AnalysisError(code: .cannotWrite, path: url.path, detail: Self.describe(error))
    }

    /// A decoder's error names the key path it failed at; the default description buries it.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "the key \"\(key.stringValue)\" is missing at \(codingPath(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.debugDescription) at \(codingPath(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(codingPath(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func codingPath(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

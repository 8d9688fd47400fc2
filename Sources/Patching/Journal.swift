import Artifacts
import Foundation

/// `.chaos-test/journal.json`: the full before and after bytes of every file a command is about
/// to change, written and fsynced before the first change and removed after the last one.
/// A command that finds it knows the previous one was interrupted and can finish its work.
/// Each entry also names the temporary file its write goes through, before that file exists,
/// so recovery can remove it wherever it lies.
public struct Journal: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    /// What recovery does with an interrupted command.
    public enum Recovery: String, Codable, Sendable {
        /// Put every file back as it was (inject: the app ends up untouched).
        case rollback
        /// Write every file's new bytes (revert: the app ends up original).
        case complete
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var path: String
        public var before: String?
        public var after: String?
        public var sha256Before: String?
        public var sha256After: String?
        public var mode: UInt32
        /// The temporary file (relative to the root) the write of this entry goes through; nil
        /// in journals written before chaos-test named them.
        public var temporary: String?

        enum CodingKeys: String, CodingKey {
            case path, before, after, mode, temporary
            case sha256Before = "sha256_before"
            case sha256After = "sha256_after"
        }
    }

    public var schema: Int
    public var operation: String
    public var recovery: Recovery
    public var pid: Int32
    public var entries: [Entry]

    /// `temporaries`, when given, holds one temporary path per change, in order.
    init(operation: String, recovery: Recovery, pid: Int32, changes: [FileChange], temporaries: [String]? = nil) {
        self.schema = Self.schemaVersion
        self.operation = operation
        self.recovery = recovery
        self.pid = pid
        self.entries = changes.enumerated().map { index, change in
            Entry(
                path: change.path,
                before: change.before.map { Data($0).base64EncodedString() },
                after: change.after.map { Data($0).base64EncodedString() },
                sha256Before: change.before.map(SHA256Digest.hex),
                sha256After: change.after.map(SHA256Digest.hex),
                mode: change.mode, temporary: temporaries?[index])
        }
    }

    static func bytes(_ base64: String?) -> [UInt8]? {
        base64.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
    }
}

/// Why an XML input was refused: where (file, line, column, 1-based, 0 when unknown) and what
/// to do. Every parse failure, limit and refused DTD is one of these.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The bytes are not well-formed XML (or not in the declared encoding).
        case malformed
        /// The input is larger or deeper than the reader's limits allow.
        case tooLarge
        /// The document declares entities (the XXE and billion-laughs vectors): refused.
        case entities
        /// The file could not be read.
        case unreadable
        /// The document is well-formed but is not what the reader expects (a JUnit file without testsuite...).
        case unexpected
    }

    public var kind: Kind
    public var source: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(kind: Kind, source: String, line: Int = 0, column: Int = 0, message: String) {
        self.kind = kind
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message` (the position parts only when known).
    public var description: String {
        var place = source
        if line > 0 {
            place += ":\(line)"
            if column > 0 { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}

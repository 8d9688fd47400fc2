/// A simple statement the discovery stage reads for names and values.
public enum Statement: Sendable {
    /// `a = b = value`, `self.x: T = value`. Targets are dotted names; tuple targets are skipped.
    case assignment(Assignment)
    case importModules(Import)
    /// `return value`, or `yield value`.
    case returnValue(value: Range<Int>, logicalLine: Int)
    /// `with value as name` (one per item); `async with` too.
    case withBinding(name: String, value: Range<Int>, logicalLine: Int)
    /// `for name in iterable`: binds names to values known only when the iterable is a
    /// literal tuple or list (or a name bound to one); `iterable` is its tokens.
    case loopBinding(names: [String], iterable: Range<Int>?, logicalLine: Int)
}

public struct Assignment: Sendable {
    public var targets: [String]
    public var annotation: Range<Int>?
    public var value: Range<Int>?
    public var logicalLine: Int
    public var line: Int
}

/// `import a.b as c` or `from ..x import y as z`.
public struct Import: Sendable {
    public struct Name: Sendable {
        public var name: String
        public var alias: String?
        public var boundName: String { alias ?? String(name.split(separator: ".").first ?? Substring(name)) }
    }

    /// For `from X import ...`: X without its leading dots; for `import`: empty.
    public var module: String
    /// Leading dots of a relative `from` import.
    public var level: Int
    public var isFrom: Bool
    public var names: [Name]
    public var line: Int
    public var logicalLine: Int
}

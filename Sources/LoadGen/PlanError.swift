/// A plan that cannot be used: the file, the line and key, what is wrong and what to do.
public struct PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The plan file, or a description of where the plan came from.
    public var file: String
    /// 1-based; 0 when the problem is not tied to a line.
    public var line: Int
    public var column: Int
    /// The key path inside the plan, such as `requests[2].method`.
    public var key: String
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}

/// A SARIF log could not be built (a named patch is missing or unreadable).
public struct SARIFError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A load run that cannot start or finish, with what to do. `exitCode` follows CONTRACTS.md:
/// 2 for bad arguments or input, 3 when the environment failed.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public var description: String { message }

    public static func badArgument(_ message: String) -> LoadError { LoadError(message: message, exitCode: 2) }
    public static func environment(_ message: String) -> LoadError { LoadError(message: message, exitCode: 3) }
}

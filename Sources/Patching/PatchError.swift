/// Why a patch could not be read, applied or written, with where and what to do.
public struct PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func malformed(_ file: String, line: Int, _ what: String) -> PatchError {
        PatchError(
            "\(file):\(line): malformed patch: \(what). The patch was edited or truncated; "
                + "restore it from version control or run `chaos-test revert` with the original tool state.")
    }

    static func doesNotApply(_ path: String, hunk: Int, line: Int) -> PatchError {
        PatchError(
            "\(path): hunk \(hunk) does not apply at line \(line): the file no longer has the exact lines "
                + "the patch expects. Nothing was changed.")
    }
}

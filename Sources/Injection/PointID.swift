import Artifacts
import Patching

/// Point ids (CONTRACTS.md, "Point ids"): built from what does not move when the file is edited
/// elsewhere: kind, file, enclosing function's qualified name, callee (or `entry`), ordinal.
public enum PointID {
    public static func make(kind: ChaosConfig.PointKind, file: String, qualname: String, callee: String, ordinal: Int)
        -> String
    {
        "\(kind.rawValue):\(file):\(qualname):\(callee):\(ordinal)"
    }

    /// The 8 hex digits the hook's `# chaos-test:` comment carries.
    public static func short(_ id: String) -> String { String(SHA256Digest.hex(Array(id.utf8)).prefix(8)) }
}

/// The version written into every artifact's `tool_version`.
public enum ToolVersion {
    public static let current = "0.1.0"
}

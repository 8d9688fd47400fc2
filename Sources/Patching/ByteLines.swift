/// Splitting file bytes into lines the way `git diff` and `patch` see them: on `\n` only, so a
/// `\r` stays inside its line and CRLF files survive a diff and its application unchanged.
public enum ByteLines {
    /// Each line keeps its terminating `\n`; only the last line may lack one.
    public static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    public static func join(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.reduce(0) { $0 + $1.count })
        for line in lines { out.append(contentsOf: line) }
        return out
    }
}

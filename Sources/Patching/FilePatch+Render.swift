extension FilePatch {
    static let noNewlineMarker = Array("\\ No newline at end of file\n".utf8)

    /// The patch as bytes: `--- a/…`/`+++ b/…` headers, hunks, and `\ No newline at end of file`
    /// after every line that lacks its `\n`. Line bodies are copied byte for byte (CRLF stays).
    public func render() -> [UInt8] {
        var out: [UInt8] = []
        out += Array("--- \(oldPath.map { "a/" + $0 } ?? "/dev/null")\n".utf8)
        out += Array("+++ \(newPath.map { "b/" + $0 } ?? "/dev/null")\n".utf8)
        for hunk in hunks {
            out += Array(
                "@@ -\(Self.range(hunk.oldStart, hunk.oldCount)) +\(Self.range(hunk.newStart, hunk.newCount)) @@\n"
                    .utf8)
            for line in hunk.lines {
                switch line {
                case .context(let b):
                    out.append(0x20)
                    out += b
                case .removed(let b):
                    out.append(0x2D)
                    out += b
                case .added(let b):
                    out.append(0x2B)
                    out += b
                }
                if line.bytes.last != 0x0A {
                    out.append(0x0A)
                    out += Self.noNewlineMarker
                }
            }
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start)" : "\(start),\(count)"
    }
}

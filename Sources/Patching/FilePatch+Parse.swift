extension FilePatch {
    /// Reads the patches in `bytes` (one or more files), strictly: every hunk's line counts must
    /// match its header, or the error names `name` and the line. No fuzz, no guessing.
    public static func parse(_ bytes: [UInt8], name: String) throws(PatchError) -> [FilePatch] {
        let lines = ByteLines.split(bytes)
        var patches: [FilePatch] = []
        var index = 0
        func text(_ i: Int) -> String { String(decoding: lines[i], as: UTF8.self) }
        func path(_ header: String, prefix: String, line: Int) throws(PatchError) -> String? {
            var value = String(header.dropFirst(4)).trimmingNewline
            if let tab = value.firstIndex(of: "\t") { value = String(value[..<tab]) }
            if value == "/dev/null" { return nil }
            guard value.hasPrefix(prefix), value.count > prefix.count else {
                throw .malformed(name, line: line, "expected a path starting with '\(prefix)', found '\(value)'")
            }
            return String(value.dropFirst(prefix.count))
        }
        while index < lines.count {
            let current = text(index)
            guard current.hasPrefix("--- ") else {
                if current.hasPrefix("diff ") || current.hasPrefix("index ") || current.trimmingNewline.isEmpty {
                    index += 1
                    continue
                }
                throw .malformed(name, line: index + 1, "expected a '--- ' file header")
            }
            guard index + 1 < lines.count, text(index + 1).hasPrefix("+++ ") else {
                throw .malformed(name, line: index + 2, "expected a '+++ ' header after '---'")
            }
            let old = try path(current, prefix: "a/", line: index + 1)
            let new = try path(text(index + 1), prefix: "b/", line: index + 2)
            if old == nil, new == nil { throw .malformed(name, line: index + 1, "both sides are /dev/null") }
            index += 2
            var hunks: [Hunk] = []
            while index < lines.count, text(index).hasPrefix("@@ ") {
                let headerLine = index + 1
                guard let header = parseHeader(text(index)) else {
                    throw .malformed(name, line: headerLine, "bad hunk header '\(text(index).trimmingNewline)'")
                }
                index += 1
                var hunk = Hunk(
                    oldStart: header.0, oldCount: header.1, newStart: header.2, newCount: header.3, lines: [])
                var oldSeen = 0
                var newSeen = 0
                while oldSeen < hunk.oldCount || newSeen < hunk.newCount {
                    guard index < lines.count else {
                        throw .malformed(
                            name, line: headerLine,
                            "the hunk ends early: its header promises \(hunk.oldCount) old and \(hunk.newCount) new lines"
                        )
                    }
                    let raw = lines[index]
                    var body = Array(raw.dropFirst())
                    // `\ No newline` belongs to the line just read: drop that line's `\n`.
                    if index + 1 < lines.count, lines[index + 1].starts(with: [0x5C, 0x20]) {
                        if body.last == 0x0A { body.removeLast() }
                        index += 1
                    }
                    switch raw.first {
                    case 0x20:
                        hunk.lines.append(.context(body))
                        oldSeen += 1
                        newSeen += 1
                    case 0x2D:
                        hunk.lines.append(.removed(body))
                        oldSeen += 1
                    case 0x2B:
                        hunk.lines.append(.added(body))
                        newSeen += 1
                    default:
                        throw .malformed(
                            name, line: index + 1,
                            "a hunk line must start with ' ', '-' or '+' (the hunk at line \(headerLine) has "
                                + "fewer lines than its header says)")
                    }
                    if oldSeen > hunk.oldCount || newSeen > hunk.newCount {
                        throw .malformed(
                            name, line: index + 1, "the hunk at line \(headerLine) has more lines than its header says")
                    }
                    index += 1
                }
                if let previous = hunks.last, hunk.oldStart < previous.oldStart + previous.oldCount {
                    throw .malformed(name, line: headerLine, "hunks overlap or are out of order")
                }
                hunks.append(hunk)
            }
            if hunks.isEmpty { throw .malformed(name, line: index + 1, "a file header without hunks") }
            if index < lines.count {
                let next = text(index)
                if !(next.hasPrefix("--- ") || next.hasPrefix("diff ") || next.trimmingNewline.isEmpty) {
                    throw .malformed(
                        name, line: index + 1,
                        "unexpected line after a hunk (the hunk above has more lines than its header says)")
                }
            }
            patches.append(FilePatch(oldPath: old, newPath: new, hunks: hunks))
        }
        return patches
    }

    private static func parseHeader(_ line: String) -> (Int, Int, Int, Int)? {
        // @@ -l[,s] +l[,s] @@ optional section text
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 4, parts[0] == "@@", parts[3].hasPrefix("@@"),
            parts[1].hasPrefix("-"), parts[2].hasPrefix("+"),
            let old = range(parts[1].dropFirst()), let new = range(parts[2].dropFirst())
        else { return nil }
        return (old.0, old.1, new.0, new.1)
    }

    private static func range(_ text: Substring) -> (Int, Int)? {
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false)
        guard let start = Int(pieces[0]), start >= 0 else { return nil }
        if pieces.count == 1 { return (start, 1) }
        guard pieces.count == 2, let count = Int(pieces[1]), count >= 0 else { return nil }
        return (start, count)
    }
}

extension String {
    var trimmingNewline: String {
        // Scalars, not Characters: "\r\n" is one Character, so hasSuffix("\n") would miss it.
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

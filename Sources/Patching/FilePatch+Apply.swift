extension FilePatch {
    /// Applies the patch in memory with exact context and no fuzz. A hunk may sit at another line
    /// than its header says (as with `git apply`), but only where every context and removed line
    /// matches byte for byte; the nearest such place wins. `file == nil` means the file is absent.
    /// Returns `nil` when the patch deletes the file.
    public func apply(to file: [UInt8]?) throws(PatchError) -> [UInt8]? {
        if oldPath == nil, let file, !file.isEmpty {
            throw PatchError("\(path): the patch creates this file, but it already exists. Nothing was changed.")
        }
        if oldPath != nil, file == nil {
            throw PatchError("\(path): the patch changes this file, but it does not exist. Nothing was changed.")
        }
        let lines = ByteLines.split(file ?? [])
        var out: [ArraySlice<UInt8>] = []
        var cursor = 0
        for (number, hunk) in hunks.enumerated() {
            let expected = hunk.lines.compactMap { line -> [UInt8]? in
                if case .added = line { return nil }
                return line.bytes
            }
            let wanted = hunk.oldCount == 0 ? hunk.oldStart : hunk.oldStart - 1
            guard let at = Self.locate(expected, in: lines, near: wanted, from: cursor) else {
                throw .doesNotApply(path, hunk: number + 1, line: hunk.oldStart)
            }
            out += lines[cursor..<at]
            for line in hunk.lines {
                switch line {
                case .context(let b), .added(let b): out.append(b[...])
                case .removed: break
                }
            }
            cursor = at + expected.count
        }
        out += lines[cursor...]
        let result = ByteLines.join(out)
        if newPath == nil {
            guard result.isEmpty else {
                throw PatchError(
                    "\(path): the patch deletes this file, but the file has other content. Nothing was changed.")
            }
            return nil
        }
        return result
    }

    private static func locate(
        _ expected: [[UInt8]], in lines: [ArraySlice<UInt8>], near wanted: Int, from cursor: Int
    ) -> Int? {
        func matches(_ at: Int) -> Bool {
            guard at >= cursor, at + expected.count <= lines.count else { return false }
            for (i, line) in expected.enumerated() where !lines[at + i].elementsEqual(line) { return false }
            return true
        }
        let limit = max(lines.count, wanted) + 1
        for distance in 0...limit {
            if matches(wanted - distance) { return wanted - distance }
            if distance > 0, matches(wanted + distance) { return wanted + distance }
        }
        return nil
    }
}

import Patching

/// Reverting a file the user edited after inject: each change of the reversed patch (a run of
/// removed hook lines and the original lines they replace) must be found exactly once in the
/// current file; it is then undone, and every other line, the user's edits included, is kept.
enum HookRemoval {
    enum Outcome {
        case success([UInt8])
        case failure([String])
    }

    static func remove(_ reversed: FilePatch, from current: [UInt8], path: String) -> Outcome {
        var lines = ByteLines.split(current).map(Array.init)
        // Changes as (injected lines, original lines), in file order.
        var changes: [(injected: [[UInt8]], original: [[UInt8]], hunkLine: Int)] = []
        for hunk in reversed.hunks {
            var injected: [[UInt8]] = []
            var original: [[UInt8]] = []
            for line in hunk.lines + [.context([])] {
                switch line {
                case .removed(let b): injected.append(b)
                case .added(let b): original.append(b)
                case .context:
                    if !injected.isEmpty || !original.isEmpty { changes.append((injected, original, hunk.oldStart)) }
                    injected = []
                    original = []
                }
            }
        }
        var problems: [String] = []
        var edits: [(at: Int, count: Int, original: [[UInt8]])] = []
        for change in changes {
            guard !change.injected.isEmpty else {
                problems.append(
                    "\(path): near line \(change.hunkLine) the injected file only removed lines; that cannot be undone after edits"
                )
                continue
            }
            // Compare without line ends, so a last line that gained or lost its newline still matches.
            func body(_ l: [UInt8]) -> ArraySlice<UInt8> {
                var s = l[...]
                if s.last == 0x0A { s = s.dropLast() }
                if s.last == 0x0D { s = s.dropLast() }
                return s
            }
            var found: [Int] = []
            if lines.count >= change.injected.count {
                for start in 0...(lines.count - change.injected.count)
                where (0..<change.injected.count).allSatisfy({ body(lines[start + $0]) == body(change.injected[$0]) }) {
                    found.append(start)
                }
            }
            if found.isEmpty, change.original.isEmpty,
                change.injected.allSatisfy({ line in !markers(in: line).contains { current.contains(marker: $0) } })
            {
                continue  // inserted lines the user already deleted: nothing left to remove
            }
            if found.count != 1 {
                let what = String(decoding: body(change.injected[0]), as: UTF8.self).trimmingCharacters(
                    in: .whitespaces)
                problems.append(
                    "\(path): the hook line `\(what)` (line \(change.hunkLine) when injected) "
                        + (found.isEmpty ? "is no longer there as inject wrote it" : "appears \(found.count) times"))
                continue
            }
            edits.append((found[0], change.injected.count, change.original))
        }
        if !problems.isEmpty { return .failure(problems) }
        for edit in edits.sorted(by: { $0.at > $1.at }) {
            var original = edit.original
            // Keep the current file's end: if its last line had no newline, the restored one has none either.
            if edit.at + edit.count == lines.count, let last = lines.last, last.last != 0x0A,
                var tail = original.popLast()
            {
                while tail.last == 0x0A || tail.last == 0x0D { tail.removeLast() }
                original.append(tail)
            }
            lines.replaceSubrange(edit.at..<(edit.at + edit.count), with: original)
        }
        return .success(lines.flatMap { $0 })
    }

    /// The `# chaos-test: …` comments in a line.
    static func markers(in line: [UInt8]) -> [[UInt8]] {
        let text = String(decoding: line, as: UTF8.self)
        return text.components(separatedBy: "# chaos-test: ").dropFirst().map { rest in
            Array(("# chaos-test: " + rest.prefix { $0.isLetter || $0.isNumber }).utf8)
        }
    }
}

extension [UInt8] {
    func contains(marker: [UInt8]) -> Bool {
        guard count >= marker.count, let first = marker.first else { return false }
        var i = 0
        while i <= count - marker.count {
            if self[i] == first, self[i..<(i + marker.count)].elementsEqual(marker) { return true }
            i += 1
        }
        return false
    }
}

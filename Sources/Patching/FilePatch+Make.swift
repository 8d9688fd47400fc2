extension FilePatch {
    /// The unified diff from `old` to `new` with `context` lines around each change.
    /// `old == nil` makes a new-file patch, `new == nil` a deletion.
    public static func make(path: String, old: [UInt8]?, new: [UInt8]?, context: Int = 3) -> FilePatch {
        let a = ByteLines.split(old ?? [])
        let b = ByteLines.split(new ?? [])
        let ops = LineDiff.diff(a, b)
        var hunks: [Hunk] = []
        // How many lines of each side precede each op, to number the hunks.
        var oldBefore = [0]
        var newBefore = [0]
        for op in ops {
            switch op {
            case .equal:
                oldBefore.append(oldBefore.last! + 1)
                newBefore.append(newBefore.last! + 1)
            case .delete:
                oldBefore.append(oldBefore.last! + 1)
                newBefore.append(newBefore.last!)
            case .insert:
                oldBefore.append(oldBefore.last!)
                newBefore.append(newBefore.last! + 1)
            }
        }
        // Indices of changed ops, grouped so hunks whose contexts would touch are merged.
        var index = 0
        while index < ops.count {
            guard let firstChange = ops[index...].firstIndex(where: { if case .equal = $0 { false } else { true } })
            else { break }
            var end = firstChange
            var scan = firstChange
            while scan < ops.count {
                if case .equal = ops[scan] {
                    // A run of equal lines longer than twice the context splits hunks.
                    var run = scan
                    while run < ops.count, case .equal = ops[run] { run += 1 }
                    if run == ops.count || run - scan > 2 * context { break }
                    scan = run
                } else {
                    end = scan
                    scan += 1
                }
            }
            let start = max(firstChange - context, index == 0 ? 0 : index)
            let stop = min(end + context + 1, ops.count)
            hunks.append(hunk(ops[start..<stop], oldBase: oldBefore[start], newBase: newBefore[start], a, b))
            index = stop
        }
        return FilePatch(oldPath: old == nil ? nil : path, newPath: new == nil ? nil : path, hunks: hunks)
    }

    private static func hunk(
        _ ops: ArraySlice<LineDiff.Operation>, oldBase: Int, newBase: Int,
        _ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]
    ) -> Hunk {
        var lines: [Line] = []
        var oldCount = 0
        var newCount = 0
        for op in ops {
            switch op {
            case .equal(let o, _):
                lines.append(.context(Array(a[o])))
                oldCount += 1
                newCount += 1
            case .delete(let o):
                lines.append(.removed(Array(a[o])))
                oldCount += 1
            case .insert(let n):
                lines.append(.added(Array(b[n])))
                newCount += 1
            }
        }
        // An empty side names the line before the change (0 at the top), a non-empty one its first line.
        return Hunk(
            oldStart: oldCount == 0 ? oldBase : oldBase + 1, oldCount: oldCount,
            newStart: newCount == 0 ? newBase : newBase + 1, newCount: newCount, lines: lines
        )
    }
}

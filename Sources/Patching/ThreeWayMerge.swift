/// Merging two sets of line changes made to one common base (diff3's idea, on whole lines).
///
/// Fixes are diffs against the source a run saw. When the file has changed since (chaos hooks
/// are injected, another fix was applied), the fix is carried over onto the current file as long
/// as the two sides changed different lines; where they touch the same lines nothing is guessed.
public enum ThreeWayMerge {
    /// Both sides changed the lines around `baseLine` (1-based, in the base).
    public struct Conflict: Error, Sendable, Equatable {
        public var baseLine: Int
    }

    /// A run of base lines `start..<end` replaced by `lines` (an insertion when the run is empty).
    struct Change: Equatable {
        var start: Int
        var end: Int
        var lines: [ArraySlice<UInt8>]

        var isInsertion: Bool { start == end }
    }

    /// `base` with the changes of `ours` and of `theirs` both applied.
    public static func merge(base: [UInt8], ours: [UInt8], theirs: [UInt8]) -> Result<[UInt8], Conflict> {
        if ours == base { return .success(theirs) }
        if theirs == base || theirs == ours { return .success(ours) }
        let baseLines = ByteLines.split(base)
        let a = changes(from: baseLines, to: ByteLines.split(ours))
        let b = changes(from: baseLines, to: ByteLines.split(theirs))
        var combined: [Change] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            guard i < a.count else {
                combined.append(b[j])
                j += 1
                continue
            }
            guard j < b.count else {
                combined.append(a[i])
                i += 1
                continue
            }
            let x = a[i]
            let y = b[j]
            if x == y || subsumes(x, y) {
                combined.append(x)
                i += 1
                j += 1
            } else if subsumes(y, x) {
                combined.append(y)
                i += 1
                j += 1
            } else if x.isInsertion && y.isInsertion && x.start == y.start {
                // Two blocks added at one place (two handlers appended to a file, a hook and a fix
                // line before one statement): both land, ours first.
                combined.append(Change(start: x.start, end: x.end, lines: x.lines + y.lines))
                i += 1
                j += 1
            } else if precedes(x, y) {
                combined.append(x)
                i += 1
            } else if precedes(y, x) {
                combined.append(y)
                j += 1
            } else {
                return .failure(Conflict(baseLine: min(x.start, y.start) + 1))
            }
        }
        var out: [ArraySlice<UInt8>] = []
        var cursor = 0
        for change in combined {
            out += baseLines[cursor..<change.start]
            out += change.lines
            cursor = change.end
        }
        out += baseLines[cursor...]
        return .success(ByteLines.join(out))
    }

    /// True when `x` can go entirely before `y`: it ends before `y` starts, or it is an insertion
    /// at the point where `y`'s replaced run begins.
    static func precedes(_ x: Change, _ y: Change) -> Bool {
        if x.isInsertion && y.isInsertion { return x.start < y.start }
        if x.isInsertion { return x.start <= y.start }
        return x.end <= y.start
    }

    /// True when `inner` is an insertion that `outer` makes too, at the same place, as the start
    /// of its own lines: both sides added the same import, one of them along with more.
    static func subsumes(_ outer: Change, _ inner: Change) -> Bool {
        inner.isInsertion && inner.start == outer.start && outer.lines.starts(with: inner.lines)
    }

    static func changes(from base: [ArraySlice<UInt8>], to other: [ArraySlice<UInt8>]) -> [Change] {
        var result: [Change] = []
        var current: Change?
        var consumed = 0
        for op in LineDiff.diff(base, other) {
            switch op {
            case .equal:
                if let change = current { result.append(change) }
                current = nil
                consumed += 1
            case .delete(let old):
                if current == nil { current = Change(start: old, end: old, lines: []) }
                current!.end = old + 1
                consumed += 1
            case .insert(let new):
                if current == nil { current = Change(start: consumed, end: consumed, lines: []) }
                current!.lines.append(other[new])
            }
        }
        if let change = current { result.append(change) }
        return result
    }
}

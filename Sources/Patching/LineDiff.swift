/// A shortest edit script between two sequences of lines (Myers, "An O(ND) Difference Algorithm").
///
/// Lines are compared as whole byte strings, terminator included, so `x` at the end of a file
/// without a final newline differs from `x\n`, exactly as git and patch treat them.
public enum LineDiff {
    public enum Operation: Equatable, Sendable {
        case equal(old: Int, new: Int)
        case delete(old: Int)
        case insert(new: Int)
    }

    public static func diff(_ old: [ArraySlice<UInt8>], _ new: [ArraySlice<UInt8>]) -> [Operation] {
        // Interning lines as integers makes the inner loop compare words, not byte strings.
        var ids: [ArraySlice<UInt8>: Int] = [:]
        let a = old.map { line in
            ids[line]
                ?? {
                    let id = ids.count
                    ids[line] = id
                    return id
                }()
        }
        let b = new.map { line in
            ids[line]
                ?? {
                    let id = ids.count
                    ids[line] = id
                    return id
                }()
        }
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
            a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
        {
            suffix += 1
        }
        var ops: [Operation] = (0..<prefix).map { .equal(old: $0, new: $0) }
        ops += middle(Array(a[prefix..<(a.count - suffix)]), Array(b[prefix..<(b.count - suffix)]))
            .map { op in
                switch op {
                case .equal(let o, let n): .equal(old: o + prefix, new: n + prefix)
                case .delete(let o): .delete(old: o + prefix)
                case .insert(let n): .insert(new: n + prefix)
                }
            }
        ops += (0..<suffix).map { .equal(old: a.count - suffix + $0, new: b.count - suffix + $0) }
        return ops
    }

    /// The greedy forward Myers search, keeping each round's frontier to walk the path back.
    private static func middle(_ a: [Int], _ b: [Int]) -> [Operation] {
        let n = a.count
        let m = b.count
        if n == 0 { return (0..<m).map { .insert(new: $0) } }
        if m == 0 { return (0..<n).map { .delete(old: $0) } }
        let maxD = n + m
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        for d in 0...maxD {
            // Only diagonals -d...d matter in round d; saving that window keeps memory at O(D²).
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            var k = -d
            while k <= d {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break
                }
                k += 2
            }
            if found { break }
        }
        // Walk back through the saved frontiers.
        var ops: [Operation] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let window = trace[d]
            func value(_ k: Int) -> Int { window[k + d + 1] }
            let k = x - y
            let prevK: Int
            if d == 0 {
                prevK = 0
            } else if k == -d || (k != d && value(k - 1) < value(k + 1)) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = d == 0 ? 0 : value(prevK)
            let prevY = prevX - prevK
            while x > prevX, y > prevY, x > 0, y > 0 {
                x -= 1
                y -= 1
                ops.append(.equal(old: x, new: y))
            }
            if d == 0 { break }
            if x == prevX {
                y -= 1
                ops.append(.insert(new: y))
            } else {
                x -= 1
                ops.append(.delete(old: x))
            }
        }
        return ops.reversed()
    }
}

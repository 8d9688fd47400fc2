import Patching
import Testing

struct ThreeWayMergeTests {
    func bytes(_ lines: [String], ending: String = "\n") -> [UInt8] { Array(lines.map { $0 + ending }.joined().utf8) }

    func merge(_ base: [String], _ ours: [String], _ theirs: [String], ending: String = "\n") -> Result<[UInt8], ThreeWayMerge.Conflict> {
        ThreeWayMerge.merge(base: bytes(base, ending: ending), ours: bytes(ours, ending: ending), theirs: bytes(theirs, ending: ending))
    }

    @Test func changesToDifferentLinesBothLand() throws {
        let result = merge(["a", "b", "c", "d", "e"], ["a", "B", "c", "d", "e"], ["a", "b", "c", "d", "E", "f"])
        #expect(try result.get() == bytes(["a", "B", "c", "d", "E", "f"]))
    }

    @Test func theSameInsertionOnBothSidesLandsOnce() throws {
        // Two different blocks added at the end both land, ours first.
        let result = merge(["x", "y"], ["import a", "x", "y", "1"], ["import a", "x", "y", "2"])
        #expect(try result.get() == bytes(["import a", "x", "y", "1", "2"]))
        let same = merge(["x", "y", "z"], ["import a", "x", "y", "Z"], ["import a", "X", "y", "z"])
        #expect(try same.get() == bytes(["import a", "X", "y", "Z"]))
    }

    @Test func aHookInsertedBeforeAStatementTheFixRewrites() throws {
        // The hook goes before the line; the fix replaces the line: the hook stays in front.
        let base = ["def f():", "    r = get()", "    return r"]
        let hooked = ["def f():", "    hook()  # chaos-test: 1234abcd", "    r = get()", "    return r"]
        let fixed = ["def f():", "    r = get(timeout=1)", "    return r"]
        #expect(try merge(base, hooked, fixed).get() == bytes(["def f():", "    hook()  # chaos-test: 1234abcd", "    r = get(timeout=1)", "    return r"]))
    }

    @Test func overlappingChangesConflictAtTheirLine() {
        let result = merge(["a", "b", "c"], ["a", "B1", "c"], ["a", "B2", "c"])
        guard case .failure(let conflict) = result else {
            Issue.record("expected a conflict")
            return
        }
        #expect(conflict.baseLine == 2)
    }

    @Test func crlfLinesSurvive() throws {
        let result = merge(["a", "b", "c"], ["a", "b2", "c"], ["a0", "a", "b", "c"], ending: "\r\n")
        #expect(try result.get() == bytes(["a0", "a", "b2", "c"], ending: "\r\n"))
    }
}

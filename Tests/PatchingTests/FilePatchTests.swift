import Foundation
import TestSupport
import Testing

@testable import Patching

/// Diffs made, rendered, parsed back, applied and reversed, and checked by the real git and patch.
struct FilePatchTests {
    static let cases: [(String, String, String)] = [
        ("insert-middle", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nHOOK\ne\nf\ng\nh\n"),
        ("crlf", "a\r\nb\r\nc\r\n", "a\r\nHOOK\r\nb\r\nc\r\n"),
        ("no-final-newline", "a\nb\nc", "a\nb\nc\nHOOK"),
        ("no-final-newline-both", "x\ny", "HOOK\nx\ny"),
        ("bom-non-ascii", "\u{FEFF}# café\nprint('ü')\n", "\u{FEFF}# café\nHOOK\nprint('ü')\n"),
        ("tabs", "def f():\n\treturn 1\n", "def f():\n\tHOOK\n\treturn 1\n"),
        (
            "two-hunks", (1...30).map { "l\($0)\n" }.joined(),
            (1...30).map { $0 == 3 || $0 == 25 ? "H\nl\($0)\n" : "l\($0)\n" }.joined()
        ),
        ("delete-and-change", "one\ntwo\nthree\nfour\n", "one\n2\nfour\n"),
        ("from-empty", "", "new\n"),
        ("to-empty-last-line", "a\n", "a\nb"),
    ]

    @Test(arguments: cases.indices)
    func roundTripsThroughParseApplyAndReverse(_ index: Int) throws {
        let (name, old, new) = Self.cases[index]
        let a = Array(old.utf8)
        let b = Array(new.utf8)
        let patch = FilePatch.make(path: "pkg/\(name).py", old: a, new: b)
        let rendered = patch.render()
        let parsed = try FilePatch.parse(rendered, name: "\(name).patch")
        #expect(parsed == [patch])
        #expect(try patch.apply(to: a) == b)
        #expect(try patch.reversed.apply(to: b) == a)
    }

    @Test(arguments: cases.indices)
    func gitAndPatchAcceptEveryPatch(_ index: Int) throws {
        let (name, old, new) = Self.cases[index]
        let dir = try TemporaryDirectory()
        let file = "pkg/\(name).py"
        try dir.write(file, Array(old.utf8))
        let patch = FilePatch.make(path: file, old: Array(old.utf8), new: Array(new.utf8))
        try dir.write("change.patch", patch.render())
        _ = try run("/usr/bin/git", ["-C", dir.path, "init", "-q"])
        let check = try run("/usr/bin/git", ["-C", dir.path, "apply", "--check", "change.patch"])
        #expect(check.0 == 0, "git apply --check: \(check.1)")
        let dry = try run("/usr/bin/patch", ["-p1", "-N", "-F0", "--dry-run", "-i", "change.patch"], in: dir.path)
        #expect(dry.0 == 0, "patch --dry-run: \(dry.1)")
        let apply = try run("/usr/bin/git", ["-C", dir.path, "apply", "change.patch"])
        #expect(apply.0 == 0, "git apply: \(apply.1)")
        #expect(dir.read(file) == Array(new.utf8))
        let reverse = try run("/usr/bin/git", ["-C", dir.path, "apply", "-R", "--check", "change.patch"])
        #expect(reverse.0 == 0, "git apply -R --check: \(reverse.1)")
    }

    @Test func newFilePatchStartsFromDevNull() throws {
        let patch = FilePatch.make(path: "chaos_test_runtime.py", old: nil, new: Array("x = 1\n".utf8))
        let text = String(decoding: patch.render(), as: UTF8.self)
        #expect(text.hasPrefix("--- /dev/null\n+++ b/chaos_test_runtime.py\n@@ -0,0 +1 @@\n+x = 1\n"))
        #expect(try patch.apply(to: nil) == Array("x = 1\n".utf8))
        #expect(try patch.reversed.apply(to: Array("x = 1\n".utf8)) == nil)
    }

    @Test func hunkWithWrongCountsIsRejectedWithFileAndLine() throws {
        let text = "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,4 @@\n a\n+b\n c\n"
        #expect {
            try FilePatch.parse(Array(text.utf8), name: "001-m.patch")
        } throws: { error in
            let message = (error as? PatchError)?.message ?? ""
            return message.contains("001-m.patch:") && message.contains("malformed patch")
        }
        let extra = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\n"
        #expect(throws: PatchError.self) { try FilePatch.parse(Array(extra.utf8), name: "x.patch") }
    }

    @Test func applyRefusesContextThatDoesNotMatchExactly() throws {
        let patch = FilePatch.make(path: "m.py", old: Array("a\nb\nc\n".utf8), new: Array("a\nH\nb\nc\n".utf8))
        #expect(throws: PatchError.self) { try patch.apply(to: Array("a\nB\nc\n".utf8)) }
        // The same lines elsewhere are found, as git finds them at an offset.
        #expect(try patch.apply(to: Array("z\na\nb\nc\n".utf8)) == Array("z\na\nH\nb\nc\n".utf8))
    }

    @Test func diffIsMinimal() {
        let a = ByteLines.split(Array("a\nb\nc\na\nb\nb\na\n".utf8))
        let b = ByteLines.split(Array("c\nb\na\nb\na\nc\n".utf8))
        let ops = LineDiff.diff(a, b)
        let edits = ops.filter { if case .equal = $0 { false } else { true } }.count
        #expect(edits == 5)  // the classic Myers example: D = 5
    }
}

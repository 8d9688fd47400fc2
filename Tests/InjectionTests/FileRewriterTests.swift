import Patching
import Testing

@testable import Injection

/// Where hooks go, and where they must not.
struct FileRewriterTests {
    func rewrite(_ source: String, _ body: (inout FileRewriter) -> Void) throws -> (String, [String]) {
        var rewriter = try FileRewriter(path: "m.py", bytes: Array(source.utf8))
        body(&rewriter)
        return (String(decoding: rewriter.render().bytes, as: UTF8.self), rewriter.diagnostics.map(\.message))
    }

    @Test func dependencyHooksSkipPlacesWhereAStatementCannotGoFirst() throws {
        let source = """
            async def f(c, xs):
                if xs:
                    pass
                elif c.get(1):
                    pass
                g = lambda u=c.get(2): u
                if xs: c.get(3)
                for x in c.get(4):
                    y = [await c.get(x) for x in xs]
                def inner(d=c.get(5)): return d
                return await c.get(6)

            """
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func at(_ marker: String) -> (Int, Int) {
            let i = lines.firstIndex { $0.contains(marker) }!
            return (
                i + 1, lines[i].distance(from: lines[i].startIndex, to: lines[i].range(of: "c.get(")!.lowerBound) + 1
            )
        }
        var placed: [Bool] = []
        let (out, diagnostics) = try rewrite(source) { r in
            for (n, marker) in ["c.get(1)", "c.get(2)", "c.get(3)", "c.get(4)", "c.get(x)", "c.get(5)", "c.get(6)"]
                .enumerated()
            {
                let (line, column) = at(marker)
                placed.append(
                    r.addDependencyHook(line: line, column: column, callee: "c.get", marker: "0000000\(n)", order: n))
            }
        }
        #expect(placed == [false, false, false, true, true, false, true])
        #expect(diagnostics.count == 4)
        #expect(diagnostics.contains { $0.contains("`elif` condition") })
        #expect(diagnostics.contains { $0.contains("lambda") })
        #expect(diagnostics.contains { $0.contains("one-line body of an `if`") })
        #expect(diagnostics.contains { $0.contains("def/class header") })
        #expect(
            out.contains(
                "    await __import__(\"chaos_test_runtime\").ahook(\"00000003\")  # chaos-test: 00000003\n    for x in c.get(4):"
            ))
        #expect(
            out.contains(
                "        await __import__(\"chaos_test_runtime\").ahook(\"00000004\")  # chaos-test: 00000004\n        y = ["
            ))
    }

    @Test func entryHooksGoAfterTheDocstringAndIntoOneLineBodies() throws {
        var placed: [Bool] = []
        let source =
            "class A:\n    def m(self):\n        '''Doc.'''\n\n        # note\n        return 1\n    async def n(self): return 2\n    def o(self): ('doc'); return 3  # keep\n"
        let (out, diagnostics) = try rewrite(source) { r in
            placed.append(r.addEntryHook(defLine: 2, marker: "aaaaaaaa", order: 0))
            placed.append(r.addEntryHook(defLine: 7, marker: "bbbbbbbb", order: 1))
            placed.append(r.addEntryHook(defLine: 8, marker: "cccccccc", order: 2))
            placed.append(r.addEntryHook(defLine: 1, marker: "dddddddd", order: 3))  // a class, not a function
        }
        #expect(placed == [true, true, true, false])
        #expect(diagnostics.count == 1)
        #expect(
            out == """
                class A:
                    def m(self):
                        '''Doc.'''

                        # note
                        __import__("chaos_test_runtime").hook("aaaaaaaa")  # chaos-test: aaaaaaaa
                        return 1
                    async def n(self): await __import__("chaos_test_runtime").ahook("bbbbbbbb"); return 2  # chaos-test: bbbbbbbb
                    def o(self): ('doc'); __import__("chaos_test_runtime").hook("cccccccc"); return 3  # keep  # chaos-test: cccccccc

                """)
    }

    @Test func aLoneCarriageReturnIsRefusedNotMisread() {
        #expect(throws: SourceLayout.LayoutError.self) {
            try FileRewriter(path: "m.py", bytes: Array("x = 1\ry = 2\n".utf8))
        }
    }

    @Test func compileCheckNamesTheFileAndLine() throws {
        let change = Patching.FileChange(
            path: "pkg/m.py", before: Array("x = 1\n".utf8), after: Array("x = 1\n  y = 2\n".utf8))
        #expect {
            try CompileCheck.check([change], python: "python3")
        } throws: { error in
            "\(error)".contains("pkg/m.py:2:") && "\(error)".contains("nothing was applied")
        }
        // A file that never compiled is not blamed on the rewrite.
        let broken = Patching.FileChange(path: "b.py", before: Array("def (:\n".utf8), after: Array("def (:\nx\n".utf8))
        try CompileCheck.check([broken], python: "python3")
    }
}

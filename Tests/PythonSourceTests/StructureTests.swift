import Testing

@testable import PythonSource

@Suite struct StructureTests {
    func module(_ text: String) throws -> PythonModule { try PythonModule(source: SourceText(text)) }

    @Test func logicalLinesJoinBracketsAndContinuations() throws {
        let m = try module("x = (1,\n     2)\ny = 1 + \\\n    2\nif x: y = 3\n")
        #expect(m.logicalLines.map { "\($0.firstLine)-\($0.lastLine)" } == ["1-2", "3-4", "5-5"])
        #expect(m.logicalLines[2].keyword == .if)
        #expect(m.logicalLines[2].inlineBody != nil)
    }

    @Test func definitionsWithQualnamesDecoratorsAndDefLines() throws {
        let m = try module(
            """
            import functools

            @functools.cache
            @other
            async def top(a, b: int = 1, *args, c: "str" = "x", **kw):
                def inner():
                    pass
                return inner

            class Box(Base, metaclass=Meta):
                def method(self): return 1

                class Nested:
                    async def deep(self):
                        ...
            """)
        #expect(m.definitions.map(\.qualname) == ["top", "top.<locals>.inner", "Box", "Box.method", "Box.Nested", "Box.Nested.deep"])
        #expect(m.definitions.map(\.line) == [5, 6, 10, 11, 13, 14])
        #expect(m.definitions[0].kind == .asyncFunction)
        #expect(m.definitions[0].decorators.count == 2)
        #expect(m.definitions[0].parameters.map(\.name) == ["a", "b", "args", "c", "kw"])
        #expect(m.definitions[0].parameters.map(\.stars) == [0, 0, 1, 0, 2])
        #expect(m.definitions[0].parameters[1].annotation.map { m.text($0) } == "int")
        #expect(m.definitions[0].parameters[3].defaultValue.map { m.text($0) } == "\"x\"")
        #expect(m.definitions[2].bases.map { m.text($0) } == ["Base", "metaclass=Meta"])
        #expect(m.definitions[3].body.isInline)
    }

    @Test func bodyInsertionPointsAfterTheDocstring() throws {
        let text = "def a():\n    \"\"\"Doc\n    string.\"\"\"\n    return 1\n\ndef b():\n\t'only a docstring'\n\ndef c():\n    # comment\n    x = 1\n"
        let m = try module(text)
        let a = m.definitions[0].body
        #expect(a.docstring.map { m.source.text($0) } == "\"\"\"Doc\n    string.\"\"\"")
        #expect(a.insertionLine == 4)
        #expect(m.source.text(a.indent) == "    ")
        #expect(a.insertionOffset == m.source.lineStarts[3])
        let b = m.definitions[1].body
        #expect(b.insertionLine == 8)
        #expect(m.source.text(b.indent) == "\t")
        let c = m.definitions[2].body
        #expect(c.docstring == nil)
        #expect(c.insertionLine == 11)
    }

    @Test func bodyAtEndOfFileWithoutANewline() throws {
        let m = try module("def f():\n    'doc'")
        #expect(m.definitions[0].body.insertionLine == 3)
        #expect(m.definitions[0].body.insertionOffset == m.source.bytes.count)
    }

    @Test func callsWithDottedCalleesArgumentsAndAwait() throws {
        let m = try module(
            """
            async def f():
                r = await self.client.get(url, params={"a": 1}, timeout=5)
                httpx.AsyncClient().post("x")
                items[0].run(*a, **k)
                print("x".join(y))
            class A(B): pass
            """)
        let calls = m.calls.map { "\($0.callee) \($0.isAwaited) \($0.arguments.map { $0.keyword ?? ($0.stars > 0 ? String(repeating: "*", count: $0.stars) : "_") })" }
        #expect(
            calls == [
                "self.client.get true [\"_\", \"params\", \"timeout\"]",
                "httpx.AsyncClient false []",
                "httpx.AsyncClient().post false [\"_\"]",
                "items[].run false [\"*\", \"**\"]",
                "print false [\"_\"]",
                "<expr>.join false [\"_\"]",
            ])
        #expect(m.calls[0].line == 2)
        #expect(m.calls[0].byteColumn == 14)
        #expect(m.calls.allSatisfy { $0.callee != "B" })
    }

    @Test func importsAssignmentsAndWithBindings() throws {
        let m = try module(
            """
            import os.path, json as j
            from ..pkg.mod import (a as b, c)
            from . import x
            router: APIRouter = APIRouter(prefix="/x")
            a = b = 1
            self.client = Client()
            p, q = 1, 2
            with open("f") as f, lock:
                pass
            async with (Client() as c1, Client() as c2):
                pass
            for i, (j, k) in items:
                pass
            """)
        var imports: [String] = []
        var assignments: [String] = []
        var withs: [String] = []
        var loops: [String] = []
        for scoped in m.statements {
            switch scoped.statement {
            case .importModules(let i):
                imports.append("\(i.isFrom ? "from \(String(repeating: ".", count: i.level))\(i.module) " : "")import \(i.names.map { $0.name + ($0.alias.map { " as " + $0 } ?? "") })")
            case .assignment(let a): assignments.append("\(a.targets) \(a.value.map { m.text($0) } ?? "?") \(a.annotation.map { m.text($0) } ?? "")")
            case .withBinding(let name, let value, _): withs.append("\(name)=\(m.text(value))")
            case .loopBinding(let names, _, _): loops.append(names.joined(separator: ","))
            case .returnValue: break
            }
        }
        #expect(imports == [#"import ["os.path", "json as j"]"#, #"from ..pkg.mod import ["a as b", "c"]"#, #"from . import ["x"]"#])
        #expect(assignments == [#"["router"] APIRouter(prefix="/x") APIRouter"#, #"["a", "b"] 1 "#, #"["self.client"] Client() "#, #"["p", "q"] ? "#])
        #expect(withs == [#"f=open("f")"#, "c1=Client()", "c2=Client()"])
        #expect(loops == ["i,j,k"])
    }

    @Test func logicalLineLookupAndScopes() throws {
        let m = try module("x = 1\ndef f():\n    y = g(\n        2)\n    return y\nz = 3\n")
        let offset = m.source.lineStarts[3] + 8
        let line = try #require(m.logicalLine(containing: offset))
        #expect(m.logicalLines[line].firstLine == 3)
        #expect(m.lineScopes[line] == 0)
        #expect(m.lineScopes.last! == nil)
        #expect(m.scope(ofCode: m.calls[0].calleeStart) == 0)
    }

    @Test func stringValuesOfLiterals() throws {
        let m = try module(#"a = "x" 'y' r"\d" "\t\u00e9" f"{{lit}}" b"no" f"{v}""# + "\n")
        func value(_ index: Int) -> String? { m.stringValue(index..<(index + 1)) }
        #expect(m.stringValue(2..<4) == "xy")
        #expect(value(4) == "\\d")
        #expect(value(5) == "\té")
        #expect(value(6) == "{lit}")
        #expect(value(7) == nil)
        #expect(value(8) == nil)
    }

    @Test func syntaxProblemsTheTokenizerLetsThrough() throws {
        #expect(try module("x = (1]\n").syntaxProblems.first?.message.contains("does not match") == true)
        #expect(try module("def f()\n    pass\n").syntaxProblems.first?.message == "expected ':' after the `def` statement")
        #expect(try module("x = [1, {2: (3)}]\nif a: pass\n").syntaxProblems.isEmpty)
    }
}

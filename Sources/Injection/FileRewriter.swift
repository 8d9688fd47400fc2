import Artifacts
import Patching

/// Places hooks into one file: each hook is ONE marked statement, inserted as a new line, or,
/// for a one-line body (`def f(): return 1`), placed inside that line. Every other byte of the
/// file is kept. What cannot be placed safely is skipped with a diagnostic, never guessed.
struct FileRewriter {
    let path: String
    let layout: SourceLayout
    private var insertions: [Insertion] = []
    private var inlineEdits: [InlineEdit] = []
    private(set) var diagnostics: [Diagnostic] = []

    private struct Insertion {
        var beforeLine: Int
        var order: Int
        var indent: [UInt8]
        var statement: String
        var marker: String
    }

    private struct InlineEdit {
        var line: Int
        var offset: Int
        var text: String
        var marker: String
    }

    init(path: String, bytes: [UInt8]) throws(SourceLayout.LayoutError) {
        self.path = path
        self.layout = try SourceLayout(bytes)
    }

    static func hookStatement(_ marker: String, async: Bool) -> String {
        (async ? "await " : "") + "__import__(\"chaos_test_runtime\").\(async ? "ahook" : "hook")(\"\(marker)\")"
    }

    static func comment(_ marker: String) -> String { "  # chaos-test: \(marker)" }

    private mutating func skip(_ line: Int, _ message: String) {
        diagnostics.append(Diagnostic(severity: .warning, file: path, line: line, column: 0, message: message))
    }

    // MARK: Handler hooks

    /// Adds an entry hook to the function whose `def` (or `async`) is on `line`.
    /// Returns false (with a diagnostic) when it cannot.
    @discardableResult
    mutating func addEntryHook(defLine line: Int, marker: String, order: Int) -> Bool {
        guard let definition = layout.definitions.first(where: { $0.line == line && !$0.isClass }) else {
            skip(
                line,
                "no function definition starts on this line; the handler hook was skipped (is the file newer than the scan?)"
            )
            return false
        }
        let statement = Self.hookStatement(marker, async: definition.isAsync)
        if definition.inlineBody {
            return addInlineEntryHook(definition, statement: statement, marker: marker)
        }
        let bodyIndex = definition.header + 1
        guard bodyIndex < layout.logicalLines.count,
            layout.logicalLines[bodyIndex].indentWidth > layout.logicalLines[definition.header].indentWidth
        else {
            skip(line, "the function has no indented body; the handler hook was skipped")
            return false
        }
        let first = layout.logicalLines[bodyIndex]
        var before = first.firstLine
        if isDocstring(first.tokens) {
            // Before the statement after the docstring (comments between them stay above the
            // hook, as PythonModule's insertion line has it), or right after a lone docstring.
            let next = bodyIndex + 1
            before =
                definition.bodyLines.contains(next) && layout.logicalLines[next].indentWidth == first.indentWidth
                ? layout.logicalLines[next].firstLine : first.lastLine + 1
        }
        insertions.append(
            Insertion(beforeLine: before, order: order, indent: first.indent, statement: statement, marker: marker))
        return true
    }

    private mutating func addInlineEntryHook(_ definition: SourceLayout.Definition, statement: String, marker: String)
        -> Bool
    {
        let header = layout.logicalLines[definition.header]
        let bodyStart = definition.colonToken + 1
        // The first simple statement of the inline body: tokens up to a depth-0 `;` or the end.
        var end = bodyStart
        var depth = 0
        while end < header.tokens.upperBound {
            let token = layout.tokens[end]
            if token.kind == .op {
                let op = layout.text(end)
                if op == "(" || op == "[" || op == "{" { depth += 1 }
                if op == ")" || op == "]" || op == "}" { depth -= 1 }
                if op == ";", depth == 0 { break }
            }
            if token.kind == .comment { break }
            end += 1
        }
        let offset: Int
        let text: String
        if isDocstring(bodyStart..<end) {
            offset = layout.tokens[end - 1].range.upperBound
            text = "; " + statement
        } else {
            offset = layout.tokens[bodyStart].range.lowerBound
            text = statement + "; "
        }
        // The marker comment goes on the line of the insertion (the docstring's last line when it spans several).
        let line = layout.line(ofOffset: max(offset - 1, 0))
        if layout.lineEndsInsideToken(line) {
            skip(
                definition.line,
                "the one-line body continues past its line, so the hook's marker comment cannot go on it; the handler hook was skipped"
            )
            return false
        }
        if inlineEdits.contains(where: { $0.line == line }) {
            skip(definition.line, "another hook already rewrites this line; the handler hook was skipped")
            return false
        }
        inlineEdits.append(InlineEdit(line: line, offset: offset, text: text, marker: marker))
        return true
    }

    /// True for an expression statement made only of string literals (a docstring), parenthesized or not.
    private func isDocstring(_ range: Range<Int>) -> Bool {
        var tokens = range.filter { layout.tokens[$0].kind != .comment }
        if tokens.count >= 3, layout.text(tokens.first!) == "(", layout.text(tokens.last!) == ")" {
            tokens = Array(tokens.dropFirst().dropLast())
        }
        return !tokens.isEmpty
            && tokens.allSatisfy { index in
                let token = layout.tokens[index]
                guard token.kind == .string else { return false }
                let prefix = layout.bytes[token.range].prefix { $0 != 0x22 && $0 != 0x27 }
                return !prefix.contains(where: { $0 == 0x66 || $0 == 0x46 })
            }
    }

    // MARK: Dependency hooks

    /// Adds a hook before the statement that holds the call at `line`:`column` (1-based characters).
    /// Returns the enclosing function's async-ness, or nil (with a diagnostic) when it cannot.
    mutating func addDependencyHook(line: Int, column: Int, callee: String, marker: String, order: Int) -> Bool {
        guard line >= 1, line <= layout.lineCount, let index = layout.logicalLineIndex(containing: line) else {
            skip(
                line,
                "no statement on this line; the hook for `\(callee)` was skipped (is the file newer than the scan?)")
            return false
        }
        let logical = layout.logicalLines[index]
        let offset = byteOffset(line: line, column: column)
        if layout.definitions.contains(where: { $0.header == index }) {
            skip(
                line,
                "`\(callee)` is called in a def/class header or a one-line body, where no statement can go before it; the dependency hook was skipped"
            )
            return false
        }
        let first = layout.text(logical.tokens.lowerBound)
        switch first {
        case "@":
            skip(line, "`\(callee)` is called in a decorator; the dependency hook was skipped")
            return false
        case "elif", "while":
            skip(
                line,
                "`\(callee)` is called in an `\(first)` condition, which a statement before it would not guard; the dependency hook was skipped"
            )
            return false
        case "else", "except", "finally", "try", "case":
            skip(line, "`\(callee)` is called in an `\(first)` clause; the dependency hook was skipped")
            return false
        case "if", "for", "with", "async", "match":
            // A compound header: fine when the call is in the header, not in a one-line body after it.
            if let colon = headerColon(logical), offset > layout.tokens[colon].range.lowerBound,
                (colon + 1..<logical.tokens.upperBound).contains(where: { layout.tokens[$0].kind != .comment })
            {
                skip(
                    line,
                    "`\(callee)` is called in the one-line body of an `\(first)` statement; the dependency hook was skipped"
                )
                return false
            }
        default:
            break
        }
        if logical.tokens.contains(where: {
            layout.tokens[$0].kind == .name && layout.text($0) == "lambda"
                && layout.tokens[$0].range.lowerBound < offset
        }) {
            skip(line, "`\(callee)` is called inside a lambda; the dependency hook was skipped")
            return false
        }
        guard let function = layout.enclosingFunction(ofLogicalLine: index) else {
            skip(line, "`\(callee)` is not called inside a function; the dependency hook was skipped")
            return false
        }
        insertions.append(
            Insertion(
                beforeLine: logical.firstLine, order: order, indent: logical.indent,
                statement: Self.hookStatement(marker, async: function.isAsync), marker: marker))
        return true
    }

    private func headerColon(_ logical: SourceLayout.LogicalLine) -> Int? {
        var depth = 0
        for k in logical.tokens where layout.tokens[k].kind == .op {
            let op = layout.text(k)
            if op == "(" || op == "[" || op == "{" { depth += 1 }
            if op == ")" || op == "]" || op == "}" { depth -= 1 }
            if op == ":", depth == 0 { return k }
        }
        return nil
    }

    private func byteOffset(line: Int, column: Int) -> Int {
        var offset = layout.lineStarts[line - 1]
        var characters = 1
        let end = line < layout.lineStarts.count ? layout.lineStarts[line] : layout.bytes.count
        while characters < column, offset < end {
            offset += 1
            while offset < end, layout.bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            characters += 1
        }
        return offset
    }

    // MARK: Middleware

    /// Installs the request-id middleware beside the app object `name` built on `line`: after
    /// that statement at module level, or before the factory's `return name`.
    mutating func addMiddleware(appLine line: Int, name: String, framework: Framework, factory: Bool) -> Bool {
        let statement: String
        switch framework {
        case .fastapi, .starlette:
            statement = "\(name).add_middleware(__import__(\"chaos_test_runtime\").ASGIMiddleware)"
        case .flask:
            statement = "\(name).wsgi_app = __import__(\"chaos_test_runtime\").WSGIMiddleware(\(name).wsgi_app)"
        case .django:
            // Django's WSGI/ASGI `application` object is wrapped where it is made.
            guard name == "application", !factory else {
                skip(
                    line,
                    "no Django `application` object (wsgi.py/asgi.py) was found to wrap, so hooks see no request and "
                        + "stay inert; point --app at the project's wsgi module")
                return false
            }
            let kind = path.hasSuffix("asgi.py") ? "ASGIMiddleware" : "WSGIMiddleware"
            statement = "application = __import__(\"chaos_test_runtime\").\(kind)(application)"
        }
        if factory {
            guard let index = layout.logicalLineIndex(containing: line),
                let function = layout.definitions.first(where: {
                    !$0.isClass && ($0.header == index || $0.bodyLines.contains(index))
                })
            else {
                skip(line, "cannot find the app factory's function; the request-id middleware was not installed")
                return false
            }
            let bodyIndent =
                function.bodyLines.isEmpty ? nil : layout.logicalLines[function.bodyLines.lowerBound].indentWidth
            let returns = function.bodyLines.filter { i in
                let logical = layout.logicalLines[i]
                let t = logical.tokens
                return logical.indentWidth == bodyIndent && t.count == 2 && layout.text(t.lowerBound) == "return"
                    && layout.text(t.lowerBound + 1) == name
            }
            guard let last = returns.last else {
                skip(
                    line, "the factory has no `return \(name)` in its body; the request-id middleware was not installed"
                )
                return false
            }
            let logical = layout.logicalLines[last]
            insertions.append(
                Insertion(
                    beforeLine: logical.firstLine, order: -1, indent: logical.indent, statement: statement,
                    marker: "middleware"))
            return true
        }
        guard let index = layout.logicalLineIndex(containing: line) else {
            skip(line, "no statement on the app object's line; the request-id middleware was not installed")
            return false
        }
        let logical = layout.logicalLines[index]
        if layout.definitions.contains(where: { $0.header == index })
            || layout.text(logical.tokens.upperBound - 1) == ":"
        {
            skip(line, "the app object is not built by a simple statement; the request-id middleware was not installed")
            return false
        }
        insertions.append(
            Insertion(
                beforeLine: logical.lastLine + 1, order: -1, indent: logical.indent, statement: statement,
                marker: "middleware"))
        return true
    }

    // MARK: Output

    /// The rewritten file; per marker, the 1-based lines its hook occupies in it; and the lines
    /// that are wholly new (every hook line but those placed inside a one-line body).
    func render() -> (bytes: [UInt8], lines: [String: [Int]], inserted: [Int]) {
        let lines = ByteLines.split(layout.bytes)
        let byLine = Dictionary(grouping: insertions, by: \.beforeLine)
        let editsByLine = Dictionary(grouping: inlineEdits, by: \.line)
        var out: [UInt8] = []
        out.reserveCapacity(layout.bytes.count + insertions.count * 80)
        var occupied: [String: [Int]] = [:]
        var inserted: [Int] = []
        var written = 0
        func ending(near line: Int) -> [UInt8] {
            for candidate in [line - 1, line] where candidate >= 1 && candidate <= lines.count {
                let l = lines[candidate - 1]
                if l.last == 0x0A { return l.count >= 2 && l[l.endIndex - 2] == 0x0D ? [0x0D, 0x0A] : [0x0A] }
            }
            return [0x0A]
        }
        for number in 1...(lines.count + 1) {
            for insertion in (byLine[number] ?? []).sorted(by: { $0.order < $1.order }) {
                let text = insertion.indent + Array((insertion.statement + Self.comment(insertion.marker)).utf8)
                let eol = ending(near: number)
                if number > lines.count, !out.isEmpty, out.last != 0x0A {
                    // After a last line without a newline: end that line, keep the file's missing final newline.
                    out += eol
                    out += text
                } else {
                    out += text + eol
                }
                written += 1
                occupied[insertion.marker, default: []].append(written)
                inserted.append(written)
            }
            guard number <= lines.count else { break }
            var line = Array(lines[number - 1])
            if let edits = editsByLine[number] {
                let start = layout.lineStarts[number - 1]
                for edit in edits.sorted(by: { $0.offset > $1.offset }) {
                    line.insert(contentsOf: Array(edit.text.utf8), at: edit.offset - start)
                }
                var contentEnd = line.count
                if contentEnd > 0, line[contentEnd - 1] == 0x0A { contentEnd -= 1 }
                if contentEnd > 0, line[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                for edit in edits {
                    line.insert(contentsOf: Array(Self.comment(edit.marker).utf8), at: contentEnd)
                }
            }
            out += line
            written += 1
            for edit in editsByLine[number] ?? [] { occupied[edit.marker, default: []].append(written) }
        }
        return (out, occupied, inserted)
    }

    var isEmpty: Bool { insertions.isEmpty && inlineEdits.isEmpty }
}

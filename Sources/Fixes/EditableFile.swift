import PythonSource

/// A Python file opened for a fix: its bytes on disk, its structure, and the conventions a
/// change must follow (line ending, indentation unit), so a fix reads as if its author wrote it.
///
/// Only UTF-8 files are edited: for them an offset in the decoded text plus the BOM length is an
/// offset on disk, so every byte a fix does not mean to change stays as it was.
final class EditableFile {
    let path: String
    let raw: [UInt8]
    let module: PythonModule
    let newline: [UInt8]
    let indentUnit: [UInt8]
    /// The modules isort counts as the app's own (its first-party section).
    let firstParty: FirstPartyModules
    private let bom: Int

    /// `root` is the app's source root, `path` relative to it: the packages and modules there are
    /// first-party for import placement. Without a root, only the package holding the file is.
    init(path: String, raw: [UInt8], root: String? = nil) throws(FixError) {
        self.path = path
        self.raw = raw
        firstParty = FirstPartyModules(root: root, path: path)
        let source: SourceText
        do { source = try SourceText(decoding: raw) } catch {
            throw FixError("\(path):\(error.line): \(error.message); no fix is written into a file Python cannot read.")
        }
        guard source.isIdentityEncoded else {
            throw FixError("\(path) is encoded as \(source.encoding); fixes are written only into UTF-8 files.")
        }
        do { module = try PythonModule(source: source) } catch {
            throw FixError("\(path): \(error); the file does not tokenize, so no fix is written into it.")
        }
        if let problem = module.syntaxProblems.first {
            throw FixError("\(path):\(problem.line): \(problem.message); fix the syntax error first.")
        }
        bom = source.bomLength
        let crlf = raw.indices.dropFirst().filter { raw[$0] == 0x0A && raw[$0 - 1] == 0x0D }.count
        let lf = raw.filter { $0 == 0x0A }.count
        newline = crlf * 2 > lf ? [0x0D, 0x0A] : [0x0A]
        indentUnit = Self.detectIndentUnit(module)
    }

    var text: SourceText { module.source }

    /// The offset on disk of an offset in the decoded text.
    func disk(_ offset: Int) -> Int { offset + bom }

    /// The bytes of a 1-based line on disk, with its line ending.
    func lineRange(_ line: Int) -> Range<Int> {
        let range = text.lineRange(line)
        return disk(range.lowerBound)..<disk(range.upperBound)
    }

    /// The leading blanks of a 1-based line.
    func indentation(ofLine line: Int) -> [UInt8] {
        Array(raw[lineRange(line)].prefix { $0 == 0x20 || $0 == 0x09 })
    }

    /// The disk range of a code token.
    func range(ofCode index: Int) -> Range<Int> {
        let r = module.code[index].range
        return disk(r.lowerBound)..<disk(r.upperBound)
    }

    func string(_ range: Range<Int>) -> String { String(decoding: raw[range], as: UTF8.self) }

    /// The logical line that starts on a physical line, if any.
    func logicalLine(startingOn line: Int) -> Int? {
        module.logicalLines.firstIndex { $0.firstLine == line }
    }

    /// The logical line that covers a physical line.
    func logicalLine(covering line: Int) -> Int? {
        module.logicalLines.lastIndex { $0.firstLine <= line && line <= $0.lastLine }
    }

    /// The innermost function whose body holds the physical line.
    func enclosingFunction(ofLine line: Int) -> Definition? {
        guard let logical = logicalLine(covering: line), let scope = module.lineScopes[logical] else { return nil }
        var index: Int? = scope
        while let i = index {
            if module.definitions[i].isFunction { return module.definitions[i] }
            index = module.definitions[i].parent
        }
        return nil
    }

    /// Calls whose callee starts on the line, outermost first.
    func calls(onLine line: Int) -> [Call] {
        module.calls.filter { $0.line == line }.sorted { $0.calleeStart < $1.calleeStart }
    }

    /// The physical lines of the block a compound header opens: from the line after the header's
    /// last line to the last line of its last statement.
    func block(ofHeader logical: Int) -> ClosedRange<Int>? {
        let header = module.logicalLines[logical]
        guard header.isCompoundHeader, header.inlineBody == nil else { return nil }
        var last = header.lastLine
        var index = logical + 1
        while index < module.logicalLines.count, module.logicalLines[index].depth > header.depth {
            last = module.logicalLines[index].lastLine
            index += 1
        }
        return last > header.lastLine ? (header.lastLine + 1)...last : nil
    }

    /// True when a string token spans several physical lines inside the range, so re-indenting
    /// those lines would change the string's value.
    func hasMultilineString(in lines: ClosedRange<Int>) -> Bool {
        module.tokens.contains { token in
            token.kind == .string && token.start.line != token.end.line && lines.contains(token.start.line)
        }
    }

    /// Module-level imports: each statement's bound names, module, and its last physical line.
    struct TopImport {
        var module: String
        var isFrom: Bool
        var names: [String]
        /// The dotted names as written: `os.path` for `import os.path`.
        var fullNames: [String]
        var firstLine: Int
        var lastLine: Int
    }

    var topImports: [TopImport] {
        module.statements.compactMap { scoped in
            guard scoped.scope == nil, case .importModules(let imp) = scoped.statement,
                module.logicalLines[imp.logicalLine].depth == 0
            else { return nil }
            let logical = module.logicalLines[imp.logicalLine]
            return TopImport(
                module: imp.module, isFrom: imp.isFrom, names: imp.names.map(\.boundName), fullNames: imp.names.map(\.name),
                firstLine: logical.firstLine,
                lastLine: logical.lastLine)
        }
    }

    /// True when the module binds `name` at the top through `import name`.
    func importsModule(_ name: String) -> Bool {
        topImports.contains { !$0.isFrom && $0.fullNames.contains(name) }
    }

    /// True when `from module import name` is at the top.
    func imports(_ name: String, from source: String) -> Bool {
        topImports.contains { $0.isFrom && $0.module == source && $0.names.contains(name) }
    }

    /// The edits adding `lines` (each `import x` or `from x import y`, without ending) where
    /// ruff's isort would put them, so a fix keeps a sorted file sorted.
    func addImports(_ lines: [String]) -> [SourceEdit] {
        ImportPlacement(file: self, firstParty: firstParty).edits(adding: lines)
    }

    /// The line after the imports where module-level helpers go, preceded by a blank line.
    func addModuleLevel(_ lines: [String]) -> SourceEdit {
        if let last = topImports.last { return insertLines([""] + lines, after: last.lastLine) }
        return insertLines(lines + [""], before: firstCodeLine)
    }

    /// The first line of code after the module docstring and the leading comments.
    var firstCodeLine: Int {
        var index = 0
        // `code` holds no NEWLINE tokens: a docstring is a first line made of strings only.
        if let first = module.logicalLines.first, first.range.allSatisfy({ module.code[$0].kind == .string }) {
            index = 1
        }
        if index < module.logicalLines.count { return module.logicalLines[index].firstLine }
        return text.lineCount + 1
    }

    func insertLines(_ lines: [String], before line: Int) -> SourceEdit {
        let at = line > text.lineCount ? raw.count : lineRange(line).lowerBound
        var bytes: [UInt8] = []
        // A file whose last line has no ending gets one before the new lines.
        if at == raw.count, let last = raw.last, last != 0x0A { bytes += newline }
        for text in lines { bytes += Array(text.utf8) + newline }
        return SourceEdit(range: at..<at, replacement: bytes)
    }

    func insertLines(_ lines: [String], after line: Int) -> SourceEdit {
        insertLines(lines, before: line + 1)
    }

    private static func detectIndentUnit(_ module: PythonModule) -> [UInt8] {
        for token in module.tokens where token.kind == .indent {
            let bytes = Array(module.source.bytes[token.range])
            if bytes.first == 0x09 { return [0x09] }
            if !bytes.isEmpty, bytes.allSatisfy({ $0 == 0x20 }) { return bytes }
        }
        return Array("    ".utf8)
    }
}

/// One replacement of a byte range on disk.
struct SourceEdit: Sendable, Equatable {
    var range: Range<Int>
    var replacement: [UInt8]
}

extension EditableFile {
    /// The file with the edits applied; they must not overlap.
    func applying(_ edits: [SourceEdit]) throws(FixError) -> [UInt8] {
        let sorted = edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + 256)
        var cursor = 0
        for edit in sorted {
            guard edit.range.lowerBound >= cursor else {
                throw FixError("\(path): two parts of one fix overlap at byte \(edit.range.lowerBound); the fix was not written.")
            }
            out += raw[cursor..<edit.range.lowerBound]
            out += edit.replacement
            cursor = edit.range.upperBound
        }
        out += raw[cursor...]
        return out
    }
}

import Foundation
import PythonSource

/// Where the imports a fix adds go, so the patched file stays clean under ruff's isort rule
/// (`ruff check --select I`, default settings) when the file was clean before.
///
/// Sections come in isort's order, one blank line apart; within a section `import x` lines come
/// before `from x import y` lines, each sorted by module name, case-insensitively with numbers
/// compared as numbers. A `from` import of a module the block already imports that way is merged
/// into that statement, as isort combines them. Only the first import block is touched: imports
/// after other code belong to blocks isort sorts on their own.
struct ImportPlacement {
    enum Section: Int, Comparable {
        case future, standardLibrary, thirdParty, firstParty, localFolder

        static func < (a: Section, b: Section) -> Bool { a.rawValue < b.rawValue }
    }

    /// One import statement, existing or to add, reduced to what its place depends on.
    struct Statement {
        var module: String
        var level: Int
        var isFrom: Bool
        /// For `from` imports: the imported names, `*` included; for `import`: the dotted modules.
        var names: [String]
        var section: Section
    }

    let file: EditableFile
    let firstParty: FirstPartyModules

    /// isort's default line length (ruff's `line-length`): a merged `from` line longer than this is
    /// wrapped in parentheses, one name a line.
    static let lineLength = 88

    /// The section isort gives a module: `level` is the number of leading dots of a relative import.
    static func section(of module: String, level: Int, firstParty: FirstPartyModules) -> Section {
        if level > 0 { return .localFolder }
        let top = String(module.split(separator: ".").first ?? "")
        if top == "__future__" { return .future }
        // ruff's order: a stdlib name wins over a folder of the app that happens to share it.
        if StandardLibrary.modules.contains(top) { return .standardLibrary }
        if firstParty.contains(module: module) { return .firstParty }
        return .thirdParty
    }

    /// The edits that add `lines` (each `import a.b` or `from a import b, c`, without ending).
    func edits(adding lines: [String]) -> [SourceEdit] {
        var wanted: [Statement] = []
        for line in lines {
            guard let statement = parse(line) else { continue }
            if let same = wanted.firstIndex(where: { $0.isFrom && statement.isFrom && $0.module == statement.module }) {
                wanted[same].names += statement.names.filter { !wanted[same].names.contains($0) }
            } else if !wanted.contains(where: { !$0.isFrom && !statement.isFrom && $0.names == statement.names }) {
                wanted.append(statement)
            }
        }
        guard !wanted.isEmpty else { return [] }
        let block = firstBlock()
        var edits: [SourceEdit] = []

        // `from x import a` where the block has a plain `from x import ...`: one statement.
        var merges: [Int: [String]] = [:]
        wanted.removeAll { statement in
            guard statement.isFrom, let target = mergeTarget(for: statement, in: block) else { return false }
            merges[target, default: block[target].statement.names] += statement.names
            return true
        }
        guard !block.isEmpty else {
            // No imports: the new block goes after the module docstring, followed by the blank
            // lines isort wants before the next statement.
            let sorted = wanted.sorted(by: Self.precedes)
            var out = grouped(sorted, after: nil)
            out += Array(repeating: "", count: blankLinesAfterBlock(beforeLine: file.firstCodeLine))
            return [file.insertLines(out, before: file.firstCodeLine)]
        }

        // Lines to add after an entry's last line, by entry: a merged statement takes them into
        // its own replacement, so the two edits never overlap.
        var appended: [Int: [String]] = [:]

        var gaps: [Int: [Statement]] = [:]
        for statement in wanted { gaps[gap(for: statement, in: block), default: []].append(statement) }
        for (gap, group) in gaps {
            let sorted = group.sorted(by: Self.precedes)
            let previous = gap > 0 ? block[gap - 1] : nil
            let next = gap < block.count ? block[gap] : nil
            let tail = sorted.filter { $0.section == next?.statement.section && $0.section != previous?.statement.section }
            let rest = sorted.filter { s in !tail.contains { $0.section == s.section } }
            if let previous {
                if !rest.isEmpty { appended[gap - 1, default: []] += grouped(rest, after: previous.statement.section) }
                if let next, !tail.isEmpty {
                    let start = attachedStart(of: next, above: previous.lastLine)
                    // isort sets a comment above an import apart with a blank line.
                    let lines = tail.map(Self.render) + (start < next.firstLine ? [""] : [])
                    edits.append(file.insertLines(lines, before: start))
                }
            } else if let next {
                var out = grouped(rest, after: nil)
                if !out.isEmpty { out.append("") }
                out += tail.map(Self.render)
                let start = attachedStart(of: next, above: 0)
                if start < next.firstLine, !tail.isEmpty { out.append("") }
                edits.append(file.insertLines(out, before: start))
            }
        }
        for index in Set(merges.keys).union(appended.keys) {
            let entry = block[index]
            let range: Range<Int>
            var replacement: [UInt8]
            if let names = merges[index] {
                var seen: Set<String> = []
                let unique = names.filter { seen.insert($0).inserted }
                range = file.lineRange(entry.firstLine).lowerBound..<file.lineRange(entry.lastLine).upperBound
                replacement = bytes(Self.render(from: entry.statement.module, names: unique))
            } else {
                // Written as a rewrite of the entry's last line with the new lines behind it, so
                // the new lines stay before anything else a fix inserts after the imports.
                range = file.lineRange(entry.lastLine)
                replacement = Array(file.raw[range])
                if replacement.last != 0x0A { replacement += file.newline }
            }
            for text in appended[index] ?? [] { replacement += Array(text.utf8) + file.newline }
            edits.append(SourceEdit(range: range, replacement: replacement))
        }
        return edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    // MARK: the block as it is

    struct Entry {
        var statement: Statement
        var firstLine: Int
        var lastLine: Int
    }

    /// The module-level imports from the first one up to the first other statement.
    func firstBlock() -> [Entry] {
        let imports = file.module.statements.compactMap { scoped -> Import? in
            guard scoped.scope == nil, case .importModules(let imp) = scoped.statement,
                file.module.logicalLines[imp.logicalLine].depth == 0
            else { return nil }
            return imp
        }.sorted { $0.logicalLine < $1.logicalLine }
        var entries: [Entry] = []
        var lastLogical: Int?
        for imp in imports {
            if let last = lastLogical, imp.logicalLine > last + 1 { break }
            lastLogical = imp.logicalLine
            let logical = file.module.logicalLines[imp.logicalLine]
            let statement = Statement(
                module: imp.isFrom ? imp.module : (imp.names.first?.name ?? ""), level: imp.level, isFrom: imp.isFrom,
                names: imp.isFrom ? imp.names.map { name in name.alias.map { "\(name.name) as \($0)" } ?? name.name } : imp.names.map(\.name),
                section: Self.section(
                    of: imp.isFrom ? imp.module : (imp.names.first?.name ?? ""), level: imp.level, firstParty: firstParty))
            entries.append(Entry(statement: statement, firstLine: logical.firstLine, lastLine: logical.lastLine))
        }
        return entries
    }

    /// The block entry a `from` import merges into: same module, no aliases or star, no comment
    /// inside it (a rewritten statement would drop it), and alone on its lines.
    func mergeTarget(for statement: Statement, in block: [Entry]) -> Int? {
        block.firstIndex { entry in
            entry.statement.isFrom && entry.statement.level == 0 && entry.statement.module == statement.module
                && !entry.statement.names.contains { $0 == "*" || $0.contains(" as ") }
                && !file.module.tokens.contains { $0.kind == .comment && (entry.firstLine...entry.lastLine).contains($0.start.line) }
                && block.filter { $0.firstLine <= entry.lastLine && $0.lastLine >= entry.firstLine }.count == 1
        }
    }

    /// The index in the block before which the statement goes.
    func gap(for statement: Statement, in block: [Entry]) -> Int {
        let same = block.indices.filter { block[$0].statement.section == statement.section }
        if let last = same.last {
            return same.first { Self.precedes(statement, block[$0].statement) } ?? last + 1
        }
        return block.firstIndex { $0.statement.section > statement.section } ?? block.count
    }

    /// The line a new import goes before to sit above `entry`: above the comment lines directly on
    /// top of it, which isort keeps with the import they describe, but never above line `floor`
    /// nor above a `#!` or coding line.
    func attachedStart(of entry: Entry, above floor: Int) -> Int {
        var line = entry.firstLine
        while line - 1 > floor {
            let text = file.string(file.lineRange(line - 1)).trimmingLeadingBlanks
            guard text.hasPrefix("#"), !(line - 1 == 1 && text.hasPrefix("#!")), !text.contains("coding") else { break }
            line -= 1
        }
        return line
    }

    /// isort's blank lines after the block: two before a `def` or `class` (decorated or not), one
    /// before any other statement, none at the end of the file.
    func blankLinesAfterBlock(beforeLine line: Int) -> Int {
        guard let logical = file.logicalLine(startingOn: line) else { return 0 }
        let keyword = file.module.logicalLines[logical].keyword
        let first = file.module.code[file.module.logicalLines[logical].range.lowerBound]
        let isDecorator = first.kind == .op && file.string(file.range(ofCode: file.module.logicalLines[logical].range.lowerBound)) == "@"
        return keyword == .def || keyword == .class || isDecorator ? 2 : 1
    }

    // MARK: rendering

    /// The statements' lines, one blank line wherever the section changes (and before the first
    /// one when it opens a section after `previous`).
    func grouped(_ statements: [Statement], after previous: Section?) -> [String] {
        var out: [String] = []
        var section = previous
        for statement in statements {
            if let section, section != statement.section { out.append("") }
            section = statement.section
            out.append(Self.render(statement))
        }
        return out
    }

    func bytes(_ text: String) -> [UInt8] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { Array($0.utf8) + file.newline }
    }

    static func render(_ statement: Statement) -> String {
        statement.isFrom
            ? render(from: String(repeating: ".", count: statement.level) + statement.module, names: statement.names)
            : "import " + statement.names.joined(separator: ", ")
    }

    /// `from module import a, b` with the names in isort's order, wrapped as isort wraps it when
    /// longer than the line length. Lines are joined with `\n`; `bytes` turns them into the file's.
    static func render(from module: String, names: [String]) -> String {
        let sorted = names.sorted { memberKey($0) < memberKey($1) }
        let line = "from \(module) import " + sorted.joined(separator: ", ")
        if line.count <= lineLength { return line }
        return (["from \(module) import ("] + sorted.map { "    \($0)," } + [")"]).joined(separator: "\n")
    }

    // MARK: isort's order

    /// True when `a` comes before `b` in a block: section, then `import` before `from`, then module.
    static func precedes(_ a: Statement, _ b: Statement) -> Bool {
        if a.section != b.section { return a.section < b.section }
        if a.isFrom != b.isFrom { return !a.isFrom }
        let (ka, kb) = (moduleKey(a), moduleKey(b))
        return ka < kb
    }

    static func moduleKey(_ statement: Statement) -> SortKey {
        // Relative imports: more dots first, as isort orders `from .. import` before `from . import`.
        let name = statement.isFrom ? statement.module : (statement.names.first ?? "")
        return SortKey(rank: -statement.level, folded: NaturalString(name.lowercased()), exact: NaturalString(name))
    }

    /// isort's `order-by-type`: CONSTANTS, then Classes, then other names.
    static func memberKey(_ name: String) -> SortKey {
        let bare = String(name.split(separator: " ").first ?? "")
        let rank: Int
        if bare.count > 1, bare == bare.uppercased(), bare != bare.lowercased() {
            rank = 0
        } else if bare.first?.isUppercase == true {
            rank = 1
        } else {
            rank = 2
        }
        return SortKey(rank: rank, folded: NaturalString(bare.lowercased()), exact: NaturalString(name))
    }

    struct SortKey: Comparable {
        var rank: Int
        var folded: NaturalString
        var exact: NaturalString

        static func < (a: SortKey, b: SortKey) -> Bool {
            if a.rank != b.rank { return a.rank < b.rank }
            if a.folded != b.folded { return a.folded < b.folded }
            return a.exact < b.exact
        }
    }

    /// A string compared as ruff's `natord` does: runs of digits by their value.
    struct NaturalString: Comparable {
        var text: String
        init(_ text: String) { self.text = text }

        static func < (a: NaturalString, b: NaturalString) -> Bool {
            var i = Array(a.text.unicodeScalars)[...]
            var j = Array(b.text.unicodeScalars)[...]
            while let x = i.first, let y = j.first {
                if x.properties.numericType != nil, y.properties.numericType != nil,
                    let m = Int(String(String.UnicodeScalarView(i.prefix { $0.properties.numericType != nil }))),
                    let n = Int(String(String.UnicodeScalarView(j.prefix { $0.properties.numericType != nil })))
                {
                    if m != n { return m < n }
                    i = i.drop { $0.properties.numericType != nil }
                    j = j.drop { $0.properties.numericType != nil }
                    continue
                }
                if x != y { return x.value < y.value }
                i = i.dropFirst()
                j = j.dropFirst()
            }
            return i.isEmpty && !j.isEmpty
        }
    }

    // MARK: parsing what a recipe asks for

    func parse(_ line: String) -> Statement? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if words.count >= 2, words[0] == "import" {
            let modules = words.dropFirst().joined(separator: " ").split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return Statement(
                module: modules[0], level: 0, isFrom: false, names: modules,
                section: Self.section(of: modules[0], level: 0, firstParty: firstParty))
        }
        guard words.count >= 4, words[0] == "from", words[2] == "import" else { return nil }
        let dotted = words[1]
        let level = dotted.prefix { $0 == "." }.count
        let module = String(dotted.dropFirst(level))
        let names = words.dropFirst(3).joined(separator: " ").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        return Statement(
            module: module, level: level, isFrom: true, names: names,
            section: Self.section(of: module, level: level, firstParty: firstParty))
    }
}

extension String {
    fileprivate var trimmingLeadingBlanks: Substring { drop { $0 == " " || $0 == "\t" } }
}

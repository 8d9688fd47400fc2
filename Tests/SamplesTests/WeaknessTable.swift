import Foundation

/// The table in a sample's WEAKNESSES.md: `| id | weakness | file | line | code |`, where
/// `code` is written between backticks and is an exact substring of line `line` of `file`.
struct WeaknessTable {
    struct Row: Equatable {
        let id: String
        let weakness: String
        let file: String
        let line: Int
        let code: String
        /// The line of WEAKNESSES.md the row is on, for messages.
        let sourceLine: Int

        /// What is wrong with this row against the text of `file` (nil: the file is missing),
        /// or nil when line `line` contains `code`.
        func problem(source: String?) -> String? {
            guard let source else { return "\(file) does not exist or is not UTF-8" }
            let lines = source.components(separatedBy: "\n")
            guard line <= lines.count else { return "\(file) has \(lines.count) lines, the row says line \(line)" }
            let text = lines[line - 1]
            guard text.contains(code) else {
                return "\(file):\(line) is '\(text)', which does not contain '\(code)'; update the table"
            }
            return nil
        }
    }

    let rows: [Row]

    init(markdown: String, path: String) throws {
        var rows: [Row] = []
        var sawHeader = false
        for (index, rawLine) in markdown.components(separatedBy: "\n").enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("|") else { continue }
            let cells = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false)
                .dropLast(line.hasSuffix("|") ? 1 : 0)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if !sawHeader {
                guard cells == ["id", "weakness", "file", "line", "code"] else {
                    throw SetupError(message: "\(path):\(index + 1): the table header must be | id | weakness | file | line | code |, found \(line)")
                }
                sawHeader = true
                continue
            }
            if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) { continue }
            guard cells.count == 5 else {
                throw SetupError(message: "\(path):\(index + 1): a row needs 5 cells (no | inside code), found \(cells.count)")
            }
            guard let number = Int(cells[3]), number >= 1 else {
                throw SetupError(message: "\(path):\(index + 1): line '\(cells[3])' is not a 1-based line number")
            }
            let code = cells[4]
            guard code.count >= 3, code.hasPrefix("`"), code.hasSuffix("`") else {
                throw SetupError(message: "\(path):\(index + 1): code must be written between backticks, found \(code)")
            }
            rows.append(Row(
                id: cells[0], weakness: cells[1], file: cells[2], line: number,
                code: String(code.dropFirst().dropLast()), sourceLine: index + 1))
        }
        guard sawHeader else {
            throw SetupError(message: "\(path): no | id | weakness | file | line | code | table found")
        }
        self.rows = rows
    }
}

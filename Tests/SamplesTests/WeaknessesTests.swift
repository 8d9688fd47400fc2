import Foundation
import Testing

/// Keeps each sample's WEAKNESSES.md true: every row names a file that exists, a line that
/// exists in it, and that line still contains the quoted code. Moving code without updating
/// the table fails here.
@Suite struct WeaknessesTests {
    static let samples = ["orbital-travel-planner", "flask-inventory"]

    @Test(arguments: samples)
    func everyRowPointsAtItsCode(sample: String) throws {
        let root = Repository.sample(sample)
        let path = "Samples/\(sample)/WEAKNESSES.md"
        let table = try WeaknessTable(
            markdown: String(contentsOf: root.appendingPathComponent("WEAKNESSES.md"), encoding: .utf8), path: path)
        #expect(table.rows.count >= 4, "\(path) should list the weaknesses planted in the sample")
        #expect(Set(table.rows.map(\.id)).count == table.rows.count, "ids in \(path) repeat")
        for row in table.rows {
            let source = try? String(contentsOf: root.appendingPathComponent(row.file), encoding: .utf8)
            if let problem = row.problem(source: source) {
                Issue.record("\(path):\(row.sourceLine) (\(row.id)): \(problem)")
            }
        }
    }

    static let table = """
        Some prose first.

        | id | weakness | file | line | code |
        |----|----------|------|------|------|
        | W2 | a provider error surfaces as a 500 | app/client.py | 3 | `resp.raise_for_status()` |
        """

    @Test func aRowHoldsWhileItsLineStays() throws {
        let row = try #require(try WeaknessTable(markdown: Self.table, path: "t.md").rows.first)
        #expect(row == .init(id: "W2", weakness: "a provider error surfaces as a 500", file: "app/client.py", line: 3, code: "resp.raise_for_status()", sourceLine: 5))
        #expect(row.problem(source: "import httpx\nresp = get()\n    resp.raise_for_status()\n") == nil)
    }

    @Test func aShiftedLineIsCaught() throws {
        let row = try #require(try WeaknessTable(markdown: Self.table, path: "t.md").rows.first)
        let shifted = "import httpx\n\nresp = get()\n    resp.raise_for_status()\n"
        #expect(row.problem(source: shifted)?.contains("app/client.py:3 is 'resp = get()'") == true)
        #expect(row.problem(source: "import httpx\n")?.contains("has 2 lines") == true)
        #expect(row.problem(source: nil)?.contains("does not exist") == true)
    }

    @Test func aRowWithoutBackticksIsRejected() {
        let markdown = Self.table.replacingOccurrences(of: "`", with: "")
        #expect(throws: SetupError.self) { try WeaknessTable(markdown: markdown, path: "t.md") }
    }
}

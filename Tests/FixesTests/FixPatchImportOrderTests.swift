import Foundation
import Testing
import TestSupport

/// Every golden fix patch keeps a sample's imports in the order ruff's isort wants: applied to a
/// copy of the sample, `ruff check --select I` finds nothing it did not find in the untouched copy.
/// The sample's own ruff settings apply when it has them; otherwise ruff's defaults.
@Suite(.serialized) struct FixPatchImportOrderTests {
    static let available = GoldenFixPatchTests.available

    /// The sample venv's ruff; `.ci/setup-python` installs it from the pinned requirements.txt.
    func ruff(_ name: String) throws -> String {
        let path = SampleFixtures.sample(name) + "/.venv/bin/ruff"
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing; run `bash .ci/setup-python \(name)` to install the sample's pinned ruff")
        return path
    }

    /// ruff's I-rule findings in a folder, as `file: code` lines (no line numbers, which a patch moves).
    func findings(_ ruff: String, in folder: String) throws -> [String] {
        let (status, output) = try TestSupport.run(
            ruff, ["check", "--select", "I", "--no-cache", "--exit-zero", "--output-format", "json", "."], in: folder)
        try #require(status == 0, "ruff failed in \(folder): \(output)")
        let start = try #require(output.firstIndex(of: "["), "ruff printed no JSON: \(output)")
        let rows = try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [[String: Any]] ?? []
        return rows.map { row in
            let file = (row["filename"] as? String ?? "").replacingOccurrences(of: folder + "/", with: "")
            return "\(file): \(row["code"] as? String ?? "?")"
        }.sorted()
    }

    @Test(arguments: available)
    func everyGoldenPatchKeepsImportsSorted(_ name: String) throws {
        let ruff = try ruff(name)
        let golden = SampleFixtures.repository + "/Patches/\(name)/fixes"
        let patches = try FileManager.default.contentsOfDirectory(atPath: golden).filter { $0.hasSuffix(".patch") }.sorted()
        #expect(!patches.isEmpty)
        let (untouched, _) = try SampleFixtures.copy(name)
        let before = try findings(ruff, in: untouched.path)
        for patch in patches {
            let (app, _) = try SampleFixtures.copy(name)
            _ = try TestSupport.run("/usr/bin/git", ["-C", app.path, "init", "-q"])
            let apply = try TestSupport.run("/usr/bin/git", ["-C", app.path, "apply", golden + "/" + patch])
            try #require(apply.0 == 0, "git apply \(patch): \(apply.1)")
            let after = try findings(ruff, in: app.path)
            let new = after.filter { finding in after.filter { $0 == finding }.count > before.filter { $0 == finding }.count }
            #expect(new.isEmpty, "\(name)/\(patch) leaves imports ruff would re-sort: \(Set(new).sorted())")
        }
    }
}

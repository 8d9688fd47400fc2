import Foundation
import Testing
import TestSupport

/// What a reviewer checks before merging a golden fix patch, applied alone (and with each other
/// patch it applies cleanly beside, as `apply-fix` would allow) to a copy of the sample: the
/// changed files compile, ruff finds nothing the untouched sample does not already have, and the
/// sample's own tests still pass.
@Suite(.serialized) struct FixPatchReviewTests {
    static let available = GoldenFixPatchTests.available

    /// The rules a reviewer runs: pyflakes/pycodestyle, import order, bugbear, async misuse, and
    /// requests/httpx calls without a timeout.
    static let rules = "E,F,I,B,ASYNC,S113"

    struct Verdict {
        var compiles = true
        var newFindings: [String] = []
        var testsPass: Bool?
        var problems: [String] = []
    }

    /// A sample's untouched state, which every patched copy is compared with.
    struct Baseline {
        var name: String
        var findings: Set<String>
        var testsPass: Bool
        /// The sample's longest Python line: its own line length, which E501 holds a patch to
        /// (neither sample configures ruff, and both already have lines far past ruff's 88).
        var lineLength: Int
    }

    static func tool(_ name: String, _ executable: String) throws -> String {
        let path = SampleFixtures.sample(name) + "/.venv/bin/" + executable
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing; run `bash .ci/setup-python \(name)` to install the sample's pinned tools")
        return path
    }

    static func patches(_ name: String) throws -> [String] {
        let golden = SampleFixtures.repository + "/Patches/\(name)/fixes"
        return try FileManager.default.contentsOfDirectory(atPath: golden).filter { $0.hasSuffix(".patch") }.sorted()
            .map { golden + "/" + $0 }
    }

    static func changedFiles(_ patch: String) throws -> [String] {
        try String(contentsOfFile: patch, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("+++ b/") }
            .map { String($0.dropFirst(6)) }
    }

    /// ruff's findings as `file rule` (no line numbers, which a patch shifts).
    static func findings(_ name: String, in folder: String, lineLength: Int) throws -> Set<String> {
        let (status, output) = try TestSupport.run(
            try tool(name, "ruff"),
            ["check", "--no-cache", "--exit-zero", "--select", rules, "--line-length", String(lineLength),
             "--output-format", "json", "."],
            in: folder)
        try #require(status == 0, "ruff failed in \(folder): \(output)")
        let start = try #require(output.firstIndex(of: "["), "ruff printed no JSON: \(output)")
        let rows = try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [[String: Any]] ?? []
        return Set(
            rows.map { row in
                let file = (row["filename"] as? String ?? "").replacingOccurrences(of: folder + "/", with: "")
                return "\(file) \(row["code"] as? String ?? "?")"
            })
    }

    /// The sample's own suite, as its README runs it, in the copy; the last line on failure.
    static func pytest(_ name: String, in folder: String) throws -> (passed: Bool, summary: String) {
        let (status, output) = try TestSupport.run(
            try tool(name, "python"), ["-B", "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"], in: folder,
            environment: ["PYTHONDONTWRITEBYTECODE": "1"])
        let lines = output.split(separator: "\n")
        let failures = lines.filter { $0.hasPrefix("FAILED") || $0.hasPrefix("ERROR") || $0.hasPrefix("E  ") }.prefix(4)
        return (status == 0, (failures + [lines.last ?? ""]).joined(separator: " / "))
    }

    static func baseline(_ name: String) throws -> Baseline {
        let (untouched, files) = try SampleFixtures.copy(name)
        let lineLength = files.filter { $0.key.hasSuffix(".py") }.values.flatMap { bytes in
            bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self).count }
        }.max() ?? 88
        let findings = try findings(name, in: untouched.path, lineLength: lineLength)
        let tests = try pytest(name, in: untouched.path)
        return Baseline(name: name, findings: findings, testsPass: tests.passed, lineLength: lineLength)
    }

    /// Applies the patches in order to a fresh copy; nil when one does not apply cleanly.
    static func review(_ patches: [String], against base: Baseline, runTests: Bool) throws -> Verdict? {
        let (app, _) = try SampleFixtures.copy(base.name)
        _ = try TestSupport.run("/usr/bin/git", ["-C", app.path, "init", "-q"])
        for patch in patches {
            guard try TestSupport.run("/usr/bin/git", ["-C", app.path, "apply", patch]).0 == 0 else { return nil }
        }
        var verdict = Verdict()
        for file in Set(try patches.flatMap(changedFiles)).sorted() {
            let compile = try TestSupport.run(try tool(base.name, "python"), ["-B", "-m", "py_compile", app.path + "/" + file])
            if compile.0 != 0 {
                verdict.compiles = false
                verdict.problems.append("\(file) does not compile: \(compile.1)")
            }
        }
        verdict.newFindings = try findings(base.name, in: app.path, lineLength: base.lineLength).subtracting(base.findings).sorted()
        if !verdict.newFindings.isEmpty { verdict.problems.append("new ruff findings: \(verdict.newFindings)") }
        if runTests && base.testsPass {
            let tests = try pytest(base.name, in: app.path)
            verdict.testsPass = tests.passed
            if !tests.passed { verdict.problems.append("the sample's tests fail: \(tests.summary)") }
        }
        return verdict
    }

    static func label(_ patches: [String]) -> String {
        patches.map { ($0 as NSString).lastPathComponent }.joined(separator: " + ")
    }

    @Test(arguments: available)
    func everyPatchAloneCompilesLintsCleanAndKeepsTheTestsPassing(_ name: String) throws {
        let base = try Self.baseline(name)
        #expect(base.testsPass, "\(name)'s own tests fail untouched; fix the sample first")
        let patches = try Self.patches(name)
        #expect(!patches.isEmpty)
        print("\(name): patch | compile | ruff (new) | pytest")
        for patch in patches {
            let verdict = try #require(try Self.review([patch], against: base, runTests: true), "\(patch) does not apply")
            print(
                "\(name): \(Self.label([patch])) | \(verdict.compiles ? "ok" : "FAIL") | "
                    + "\(verdict.newFindings.isEmpty ? "ok" : verdict.newFindings.joined(separator: ", ")) | "
                    + "\(verdict.testsPass.map { $0 ? "pass" : "FAIL" } ?? "skipped")")
            #expect(verdict.problems.isEmpty, "\(name)/\(Self.label([patch])): \(verdict.problems.joined(separator: "; "))")
        }
    }

    /// `apply-fix` refuses a fix twice and a fix whose lines another applied fix changed; every
    /// other pair can end up in one tree. The sample's tests run for the pairs that change a
    /// common file, where two fixes can interact in the source; the others get compile and ruff.
    @Test(arguments: available)
    func everyPairThatAppliesTogetherStaysClean(_ name: String) throws {
        let base = try Self.baseline(name)
        let patches = try Self.patches(name)
        var pairs: [[String]] = []
        for (index, first) in patches.enumerated() {
            for second in patches[(index + 1)...] { pairs.append([first, second]) }
        }
        let results = try pairs.map { pair -> (pair: [String], verdict: Verdict?) in
            let shared = !Set(try Self.changedFiles(pair[0])).isDisjoint(with: try Self.changedFiles(pair[1]))
            return (pair, try Self.review(pair, against: base, runTests: shared))
        }
        let applied = results.filter { $0.verdict != nil }
        print("\(name): \(applied.count) of \(pairs.count) pairs apply together")
        #expect(!applied.isEmpty)
        for (pair, verdict) in applied {
            #expect(verdict!.problems.isEmpty, "\(name)/\(Self.label(pair)): \(verdict!.problems.joined(separator: "; "))")
        }
    }
}

import Foundation
import TestSupport
import PythonSource
import Testing

@testable import Injection
@testable import Patching

/// Hook placement reads files with its own byte-level `SourceLayout` (offsets into the file on
/// disk, BOM and latin-1 included). The scanner reads them with `PythonModule`. Both must agree
/// on every function: where it starts, its qualified name, async-ness, one-line body, and the
/// line before which a statement that runs first goes.
struct LayoutAgreementTests {
    static func files() throws -> [(String, [UInt8])] {
        var files: [(String, [UInt8])] = []
        for sample in [Samples.orbital, Samples.flask] {
            let (dir, originals) = try Samples.copy(sample)
            _ = dir
            for (path, bytes) in originals where path.hasSuffix(".py") {
                files.append(("\(sample.name)/\(path)", bytes))
            }
        }
        files.append(("fixture/api.py", Array(FixtureApp.api.utf8)))
        files.append(("fixture/tabs.py", Array(FixtureApp.tabs.utf8)))
        let (_, out) = try run(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
        let stdlib = out.trimmingCharacters(in: .whitespacesAndNewlines)
        for name in try FileManager.default.contentsOfDirectory(atPath: stdlib).sorted()
        where name.hasSuffix(".py") && "abcd".contains(name.first!) {
            files.append(("stdlib/\(name)", [UInt8](FileManager.default.contents(atPath: stdlib + "/" + name)!)))
        }
        return files
    }

    @Test func sourceLayoutAgreesWithPythonModule() throws {
        var compared = 0
        for (path, bytes) in try Self.files() {
            let layout = try SourceLayout(bytes)
            let module = try PythonModule(source: SourceText(decoding: bytes))
            let mine = layout.definitions.filter { !$0.isClass }.map {
                "\($0.line) \($0.qualname) \($0.isAsync) \($0.inlineBody)"
            }
            let theirs = module.definitions.filter(\.isFunction).map {
                "\($0.line) \($0.qualname) \($0.isAsync) \($0.body.isInline)"
            }
            #expect(mine.sorted() == theirs.sorted(), "\(path)")
            // Entry hooks land before the line PythonModule names as the body's insertion line.
            let result = EveryFunctionHooks.inject(path: path, bytes: bytes)
            var rewriter = try FileRewriter(path: path, bytes: bytes)
            for (order, function) in layout.definitions.enumerated() where !function.isClass {
                rewriter.addEntryHook(defLine: function.line, marker: "00000000", order: order)
            }
            let inserted = rewriter.render().inserted
            let before = inserted.enumerated().map { index, line in line - index }
            let expected = module.definitions.filter { $0.isFunction && !$0.body.isInline }.map(\.body.insertionLine)
            #expect(
                before.sorted() == expected.sorted(),
                "\(path): mine-only \(Set(before).subtracting(expected).sorted()), theirs-only \(Set(expected).subtracting(before).sorted())"
            )
            _ = result
            compared += mine.count
        }
        #expect(compared > 1000)
        print("layout agreement: \(compared) functions")
    }
}

import Artifacts
import Discovery
import Foundation
import Testing

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
    }

    func write(_ path: String, _ text: String) throws { try write(path, Array(text.utf8)) }
}

let tinyApp = """
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/ok")
    def ok():
        return 1

    """

@Suite struct BadInputTests {
    @Test func aSyntaxErrorIsADiagnosticAndTheScanGoesOn() throws {
        let folder = try TemporaryFolder()
        try folder.write("main.py", tinyApp)
        try folder.write("broken.py", "def f(:\n    return [1, 2\n\nx = 1\n")
        try folder.write("unclosed.py", "s = '''never closed\n")
        try folder.write("mismatch.py", "x = (1, 2]\n")
        let result = try Scanner.scan(ScanOptions(root: folder.url))
        #expect(result.routes.map(\.path) == ["/ok"])
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.file) == ["broken.py", "mismatch.py", "unclosed.py"])
        for error in errors {
            #expect(error.line >= 1 && error.column >= 1, "\(error)")
            #expect(error.message.hasPrefix("syntax error: "))
        }
        #expect(errors.first { $0.file == "mismatch.py" }.map { ($0.line, $0.column) }! == (1, 10))
        #expect(errors.first { $0.file == "unclosed.py" }?.line == 1)
    }

    @Test func aNonUTF8FileIsADiagnosticWithLineAndColumn() throws {
        let folder = try TemporaryFolder()
        try folder.write("main.py", tinyApp)
        try folder.write("latin.py", Array("x = 1\ny = 'caf".utf8) + [0xE9] + Array("'\n".utf8))
        let result = try Scanner.scan(ScanOptions(root: folder.url))
        let diagnostic = try #require(result.diagnostics.first { $0.file == "latin.py" })
        #expect(diagnostic.severity == .error)
        #expect((diagnostic.line, diagnostic.column) == (2, 9))
        #expect(diagnostic.message.contains("invalid UTF-8 byte 0xE9"))
        #expect(result.routes.count == 1)
    }

    @Test func aCRLFFileWithABOMScansWithTheSameLines() throws {
        let folder = try TemporaryFolder()
        let crlf = tinyApp.replacingOccurrences(of: "\n", with: "\r\n")
        try folder.write("main.py", [0xEF, 0xBB, 0xBF] + Array(crlf.utf8))
        let result = try Scanner.scan(ScanOptions(root: folder.url))
        #expect(result.diagnostics.isEmpty)
        #expect(result.routes.map { "\($0.path) \($0.line)" } == ["/ok 5"])
        #expect(result.apps.map(\.line) == [2])
    }

    @Test func anEmptyFolderIsAnErrorThatSaysWhatToDo() throws {
        let folder = try TemporaryFolder()
        try folder.write("README.md", "no python here")
        #expect {
            try Scanner.scan(ScanOptions(root: folder.url))
        } throws: { error in
            guard let error = error as? ScanError, case .noPythonFiles = error else { return false }
            return error.description.contains("no Python files found")
        }
        #expect(throws: ScanError.self) { try Scanner.scan(ScanOptions(root: folder.url.appendingPathComponent("missing"))) }
    }

    @Test func aSymlinkLoopIsScannedOnceAndReported() throws {
        let folder = try TemporaryFolder()
        try folder.write("pkg/main.py", tinyApp)
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("pkg/loop"), withDestinationURL: folder.url.appendingPathComponent("pkg"))
        let result = try Scanner.scan(ScanOptions(root: folder.url))
        #expect(result.routes.count == 1)
        #expect(result.diagnostics.contains { $0.file == "pkg/loop" && $0.message.contains("symlink loop") })
    }

    @Test func aFileOverTheCapIsSkippedUnlessTheCapIsRaised() throws {
        let folder = try TemporaryFolder()
        // 50 MB of Python: the app, then a long run of assignments.
        var big = Array(tinyApp.utf8)
        let line = Array("value = 'padding padding padding padding padding padding padding padding'\n".utf8)
        while big.count < 50 * 1024 * 1024 { big += line }
        try folder.write("big.py", big)
        let skipped = try Scanner.scan(ScanOptions(root: folder.url, maxFileSize: ScanOptions.defaultMaxFileSize))
        #expect(skipped.routes.isEmpty)
        #expect(skipped.diagnostics.contains { $0.file == "big.py" && $0.message.contains("over the 10485760-byte limit") })
        let scanned = try Scanner.scan(ScanOptions(root: folder.url, maxFileSize: 64 * 1024 * 1024))
        #expect(scanned.routes.map(\.path) == ["/ok"])
        #expect(scanned.diagnostics.isEmpty)
    }

    @Test func defaultSkipsVirtualenvsTestsCachesAndExcludes() throws {
        let folder = try TemporaryFolder()
        try folder.write("main.py", tinyApp)
        for path in [".venv/lib/x.py", "venv2/pyvenv.cfg", "venv2/lib/y.py", "tests/test_main.py", "__pycache__/m.py",
                     ".chaos-test/runtime.py", ".git/hooks/h.py", "lib/site-packages/z.py", "scripts/gen.py", "test_top.py"] {
            try folder.write(path, "import time\ntime.sleep(1)\n")
        }
        let result = try Scanner.scan(ScanOptions(root: folder.url, excludes: ["scripts"]))
        #expect(result.dependencies.isEmpty)
        #expect(Scanner.pythonFiles(ScanOptions(root: folder.url, excludes: ["scripts"])).map(\.path) == ["main.py"])
    }
}

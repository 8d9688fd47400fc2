import Artifacts
import Foundation
import Patching

/// What the recipes read: the run's scan and patterns, and the app's source as the run saw it.
final class ProposalContext {
    let scan: ScanResult
    let patterns: FailurePatterns
    let sourceRoot: String
    /// SHA-256 of each file as the run saw it; a file that differs now gets no diff.
    let originalHashes: [String: String]
    private var files: [String: EditableFile] = [:]
    private(set) var notes: [String] = []

    init(scan: ScanResult, patterns: FailurePatterns, sourceRoot: String, originalHashes: [String: String]) {
        self.scan = scan
        self.patterns = patterns
        self.sourceRoot = sourceRoot
        self.originalHashes = originalHashes
    }

    func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }

    /// The file as the run saw it, or nil (with a note) when it cannot be edited.
    func file(_ path: String) -> EditableFile? {
        if let file = files[path] { return file }
        let full = sourceRoot + "/" + path
        guard let raw = try? FileIO.read(full) else {
            note("\(path): not found under \(sourceRoot); proposals there have no diff.")
            return nil
        }
        if let expected = originalHashes[path], SHA256Digest.hex(raw) != expected {
            note(
                "\(path) changed since the run (its SHA-256 differs from run.json); proposals there have no diff. "
                    + "Run chaos-test again to get diffs against the current source.")
            return nil
        }
        do {
            let file = try EditableFile(path: path, raw: raw, root: sourceRoot)
            files[path] = file
            return file
        } catch {
            note(error.message)
            return nil
        }
    }

    /// The dependency call scan found at a place, preferring HTTP calls.
    func dependency(file: String, line: Int) -> DependencyCall? {
        let here = scan.dependencies.filter { $0.file == file && $0.line == line }
        return here.first { $0.kind == .http } ?? here.first
    }

    /// The slowest baseline p99 among endpoints, in microseconds.
    func baselineP99(_ endpoints: [String]) -> Int? {
        endpoints.compactMap { patterns.endpoints[$0]?.baseline?.p99Us }.max()
    }

    /// The app object a dependency's routes are served by (the first app, when unknown).
    func app(for endpoints: [String]) -> AppObject? {
        let ids = Set(scan.routes.filter { !Set($0.endpointKeys).isDisjoint(with: endpoints) }.map(\.app))
        return scan.apps.first { ids.contains($0.id) } ?? scan.apps.first
    }
}

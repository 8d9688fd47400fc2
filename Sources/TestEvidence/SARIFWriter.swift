import Artifacts
import Foundation
import Patching

/// Fix proposals and static findings as SARIF 2.1.0. One rule per recipe (a finding no
/// proposal answers gets a rule per pattern kind); each result points at the line of the
/// user's original source, with the column of the dependency call when the scan knows it; a
/// proposal whose `patch` names a diff carries it as artifact changes, one replacement per hunk.
public enum SARIFWriter {
    public static let sourceRoot = "%SRCROOT%"

    /// What the log is built from; everything but `proposals` may be empty.
    public struct Input: Sendable {
        public var proposals: FixProposals
        public var patterns: FailurePatterns?
        public var scan: ScanResult?
        /// Where `proposal.patch` paths are relative to (the run folder).
        public var runFolder: URL?
        /// The app's root: the SARIF source root, and where a line's first column is read from.
        public var appRoot: URL?

        public init(proposals: FixProposals, patterns: FailurePatterns? = nil, scan: ScanResult? = nil, runFolder: URL? = nil, appRoot: URL? = nil) {
            self.proposals = proposals
            self.patterns = patterns
            self.scan = scan
            self.runFolder = runFolder
            self.appRoot = appRoot
        }
    }

    public static func log(_ input: Input) throws(SARIFError) -> SARIFLog {
        var rules: [SARIFLog.Rule] = []
        var ruleIndex: [String: Int] = [:]
        func rule(_ id: String, name: String, description: String, help: String?) -> Int {
            if let index = ruleIndex[id] { return index }
            rules.append(
                SARIFLog.Rule(
                    id: id, name: name, shortDescription: .init(text: description), fullDescription: nil,
                    help: help.map { .init(text: $0) }))
            ruleIndex[id] = rules.count - 1
            return rules.count - 1
        }
        var results: [SARIFLog.Result] = []
        var answered: Set<String> = []
        let severities = Dictionary((input.patterns?.patterns ?? []).map { ($0.id, $0.severity) }, uniquingKeysWith: { a, _ in a })

        for proposal in input.proposals.proposals {
            answered.formUnion(proposal.patterns)
            let index = rule(proposal.recipe, name: proposal.recipe, description: recipeTitle(proposal), help: proposal.rationale)
            var fixes: [SARIFLog.Fix]?
            if let patch = proposal.patch {
                fixes = [try fix(patchPath: patch, runFolder: input.runFolder, description: proposal.title)]
            }
            let worst = proposal.patterns.compactMap { severities[$0] }.max()
            results.append(
                SARIFLog.Result(
                    ruleId: proposal.recipe, ruleIndex: index, level: level(worst, evidence: proposal.evidence),
                    message: .init(text: "\(proposal.title). \(proposal.expectedEffect)"),
                    locations: [location(file: proposal.file, line: proposal.line, input: input)], fixes: fixes,
                    properties: [
                        "proposal": proposal.id, "priority": "\(proposal.priority)", "applicability": proposal.applicability.rawValue,
                        "evidence": proposal.evidence.rawValue, "patterns": proposal.patterns.joined(separator: ","),
                    ]))
        }
        // Findings no proposal answers still belong in code scanning, under their own kind.
        for pattern in input.patterns?.patterns ?? [] where !answered.contains(pattern.id) {
            guard let first = pattern.locations.first else { continue }
            let id = "chaos-test/\(pattern.kind.rawValue)"
            let index = rule(id, name: pattern.kind.rawValue, description: pattern.kind.rawValue.replacingOccurrences(of: "-", with: " "), help: nil)
            results.append(
                SARIFLog.Result(
                    ruleId: id, ruleIndex: index, level: level(pattern.severity, evidence: pattern.evidenceKind),
                    message: .init(text: pattern.title), locations: [location(file: first.file, line: first.line, input: input)],
                    fixes: nil, properties: ["pattern": pattern.id, "evidence": pattern.evidenceKind.rawValue]))
        }
        // A base URI must end with a slash, or relative URIs resolve against its parent.
        let base = input.appRoot.map { root -> [String: SARIFLog.ArtifactLocation] in
            let uri = root.standardizedFileURL.absoluteString
            return [sourceRoot: SARIFLog.ArtifactLocation(uri: uri.hasSuffix("/") ? uri : uri + "/", uriBaseId: nil)]
        }
        let driver = SARIFLog.Driver(name: "chaos-test", version: ToolVersion.current, informationUri: nil, rules: rules)
        return SARIFLog(runs: [SARIFLog.Run(tool: .init(driver: driver), originalUriBaseIds: base, results: results)])
    }

    public static func encode(_ log: SARIFLog) throws(SARIFError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(log) } catch { throw SARIFError(message: "cannot encode the SARIF log: \(error)") }
    }

    private static func recipeTitle(_ proposal: FixProposal) -> String {
        // Titles end with " (file:line)"; the rule describes the recipe, not one place.
        if let open = proposal.title.range(of: " (", options: .backwards) { return String(proposal.title[..<open.lowerBound]) }
        return proposal.title
    }

    private static func level(_ severity: Severity?, evidence: EvidenceKind) -> String {
        switch severity {
        case .critical?, .high?: return evidence == .measured ? "error" : "warning"
        case .medium?: return "warning"
        case .low?: return "note"
        case nil: return evidence == .measured ? "error" : "warning"
        }
    }

    static func location(file: String, line: Int, input: Input) -> SARIFLog.Location {
        let column = input.scan?.dependencies.first(where: { $0.file == file && $0.line == line })?.column
            ?? input.appRoot.flatMap { firstColumn(of: line, in: $0.appendingPathComponent(file)) }
        return SARIFLog.Location(
            physicalLocation: .init(
                artifactLocation: .init(uri: file, uriBaseId: sourceRoot),
                region: .init(startLine: line, startColumn: column, endLine: nil, endColumn: nil)))
    }

    /// The 1-based character column of the first non-blank character of a line.
    static func firstColumn(of line: Int, in url: URL) -> Int? {
        guard line >= 1, let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let lines = ByteLines.split([UInt8](data))
        guard line <= lines.count else { return nil }
        let text = String(decoding: lines[line - 1], as: UTF8.self)
        guard let index = text.firstIndex(where: { !$0.isWhitespace }) else { return nil }
        return text.distance(from: text.startIndex, to: index) + 1
    }

    /// A unified diff as SARIF replacements: each hunk's old lines (context included) are
    /// replaced by its new lines. Regions run from column 1 of the first line to column 1 of
    /// the line after the last, so whole lines, newlines included, are replaced.
    static func fix(patchPath: String, runFolder: URL?, description: String) throws(SARIFError) -> SARIFLog.Fix {
        guard let runFolder, !patchPath.hasPrefix("/"), !patchPath.split(separator: "/").contains("..") else {
            throw SARIFError(message: "the proposal's patch \(patchPath) is not a path inside the run folder")
        }
        let url = runFolder.appendingPathComponent(patchPath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SARIFError(message: "\(url.path) is missing: the proposal names a patch the run folder does not hold")
        }
        let patches: [FilePatch]
        do { patches = try FilePatch.parse([UInt8](data), name: patchPath) } catch {
            throw SARIFError(message: "\(url.path) is not a unified diff: \(error)")
        }
        let changes = patches.map { patch in
            SARIFLog.ArtifactChange(
                artifactLocation: .init(uri: patch.oldPath ?? patch.path, uriBaseId: sourceRoot),
                replacements: patch.hunks.map { hunk in
                    // An empty old side names the line before the insertion.
                    let start = hunk.oldCount == 0 ? hunk.oldStart + 1 : hunk.oldStart
                    let inserted = hunk.lines.compactMap { line -> [UInt8]? in
                        if case .removed = line { return nil }
                        return line.bytes
                    }
                    return SARIFLog.Replacement(
                        deletedRegion: .init(startLine: start, startColumn: 1, endLine: start + hunk.oldCount, endColumn: 1),
                        insertedContent: .init(text: String(decoding: inserted.joined(), as: UTF8.self)))
                })
        }
        return SARIFLog.Fix(description: .init(text: description), artifactChanges: changes)
    }
}

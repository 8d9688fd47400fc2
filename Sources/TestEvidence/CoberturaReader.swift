import Foundation
import XML

/// Reads Cobertura XML as coverage.py writes it: `coverage/sources/source` and
/// `coverage/packages/package/classes/class[@filename]/lines/line[@number,@hits]`.
public enum CoberturaReader {
    public static func read(contentsOf url: URL, limits: XMLLimits = .default) throws(XMLError) -> CoverageReport {
        try read(try XMLDocument(contentsOf: url, limits: limits))
    }

    public static func read(_ document: XMLDocument) throws(XMLError) -> CoverageReport {
        let root = document.root
        guard root.name == "coverage" else {
            throw XMLError(
                kind: .unexpected, source: document.source, line: root.line,
                message: "the root element is <\(root.name)>, not <coverage>; write the file with `coverage xml`")
        }
        let sources = root.child(named: "sources")?.children(named: "source").map(\.text) ?? []
        var files: [String: [Int: Int]] = [:]
        for klass in root.descendants(named: "class") {
            guard let file = klass.attribute("filename") else {
                throw XMLError(kind: .unexpected, source: document.source, line: klass.line, message: "a <class> has no filename attribute")
            }
            var hits = files[file] ?? [:]
            for line in klass.child(named: "lines")?.children(named: "line") ?? [] {
                guard let number = line.attribute("number").flatMap({ Int($0) }), let count = line.attribute("hits").flatMap({ Int($0) }) else {
                    throw XMLError(
                        kind: .unexpected, source: document.source, line: line.line,
                        message: "a <line> needs integer number and hits attributes")
                }
                hits[number, default: 0] += count
            }
            files[file] = hits
        }
        return CoverageReport(sources: sources, files: files)
    }
}

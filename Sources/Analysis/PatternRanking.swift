import Artifacts

/// Turns findings into patterns: severity from impact, stable ids, and the order of the file
/// (measured before static, each by impact).
enum PatternRanking {
    /// Impact at or above which a pattern is `critical`, `high` and `medium`; below is `low`.
    static let critical = 0.3
    static let high = 0.1
    static let medium = 0.02

    static func severity(_ impact: Double) -> Severity {
        switch impact {
        case critical...: .critical
        case high..<critical: .high
        case medium..<high: .medium
        default: .low
        }
    }

    static func rank(_ findings: [Finding]) -> [Pattern] {
        // Ids number each kind in the order of its locations, so they do not move when impacts do.
        var ids: [Int: String] = [:]
        let byKind = Dictionary(grouping: findings.indices, by: { findings[$0].kind })
        for (kind, indexes) in byKind {
            let ordered = indexes.sorted { comesFirst(findings[$0], findings[$1]) }
            for (number, index) in ordered.enumerated() { ids[index] = "\(kind.rawValue)-\(number + 1)" }
        }
        let ordered = findings.indices.sorted { lhs, rhs in
            let left = findings[lhs]
            let right = findings[rhs]
            if left.evidenceKind != right.evidenceKind { return left.evidenceKind == .measured }
            if left.impact != right.impact { return left.impact > right.impact }
            return ids[lhs]! < ids[rhs]!
        }
        return ordered.map { index in
            let finding = findings[index]
            let impact = Stats.rounded(min(1, max(0, finding.impact)))
            return Pattern(
                id: ids[index]!, kind: finding.kind, title: finding.title, severity: severity(impact), impact: impact,
                endpoints: finding.endpoints, points: finding.points, locations: finding.locations,
                evidenceKind: finding.evidenceKind, evidence: finding.evidence)
        }
    }

    /// What identifies a finding of a kind within a run: where it is, then what it is about.
    private static func comesFirst(_ left: Finding, _ right: Finding) -> Bool {
        let leftPlace = left.locations.first.map { ($0.file, $0.line) } ?? ("", 0)
        let rightPlace = right.locations.first.map { ($0.file, $0.line) } ?? ("", 0)
        if leftPlace != rightPlace { return leftPlace < rightPlace }
        let leftRest = [left.points.joined(separator: ","), left.endpoints.joined(separator: ","), left.title]
        let rightRest = [right.points.joined(separator: ","), right.endpoints.joined(separator: ","), right.title]
        return leftRest.lexicographicallyPrecedes(rightRest)
    }
}

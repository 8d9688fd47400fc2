import Artifacts

/// A proposal before ranking: what it answers, where, why, and the edits it makes per file.
struct Draft {
    var recipe: Recipe
    var title: String
    var patterns: [String]
    var file: String
    var line: Int
    var impact: Double
    var evidence: EvidenceKind
    var applicability: Applicability
    var rationale: String
    var effect: String
    /// True when the fix turns failed requests into successes here (see `Recipe.rescues`; a 503
    /// handler rescues the requests that an unhandled exception's dropped connection would fail).
    var rescues: Bool
    /// Two for a fix that rescues requests, one for a fix that changes how they fail.
    var weight: Double { rescues ? 1.0 : 0.5 }
    /// Edits per file path (relative to the app root); empty when the fix needs a person.
    var edits: [String: [SourceEdit]]

    /// Two drafts are the same fix when they apply one recipe at one place.
    var key: String { "\(recipe.rawValue) \(file):\(line) \(title)" }

    mutating func absorb(_ other: Draft) {
        for id in other.patterns where !patterns.contains(id) { patterns.append(id) }
        impact = max(impact, other.impact)
        if other.evidence == .measured { evidence = .measured }
    }
}

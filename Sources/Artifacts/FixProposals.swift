/// `fix-proposals.json`: ranked, reviewable code changes (CONTRACTS.md, "fix-proposals.json").
public struct FixProposals: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var proposals: [FixProposal]

    public init(proposals: [FixProposal]) {
        self.schema = Self.schemaVersion
        self.proposals = proposals
    }
}

public struct FixProposal: Codable, Sendable, Equatable {
    public var id: String
    public var recipe: String
    public var title: String
    /// Pattern ids this proposal answers.
    public var patterns: [String]
    public var file: String
    public var line: Int
    /// `safe`: the success path behaves the same; `unsafe`: needs a review of semantics or values.
    public var applicability: Applicability
    /// 1 is the first to apply.
    public var priority: Int
    public var impact: Double
    public var rationale: String
    public var expectedEffect: String
    public var evidence: EvidenceKind
    /// `fixes/NNN-<recipe>.patch`, relative to the run folder; nil when the proposal has no
    /// automatic diff yet.
    public var patch: String?
    public var verified: Verification?

    enum CodingKeys: String, CodingKey {
        case id, recipe, title, patterns, file, line, applicability, priority, impact, rationale, evidence, patch, verified
        case expectedEffect = "expected_effect"
    }

    public init(
        id: String, recipe: String, title: String, patterns: [String], file: String, line: Int,
        applicability: Applicability, priority: Int, impact: Double, rationale: String, expectedEffect: String,
        evidence: EvidenceKind, patch: String?, verified: Verification? = nil
    ) {
        self.id = id
        self.recipe = recipe
        self.title = title
        self.patterns = patterns
        self.file = file
        self.line = line
        self.applicability = applicability
        self.priority = priority
        self.impact = impact
        self.rationale = rationale
        self.expectedEffect = expectedEffect
        self.evidence = evidence
        self.patch = patch
        self.verified = verified
    }

    // Explicit nulls for `patch` and `verified`, as the contract lists them.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(recipe, forKey: .recipe)
        try container.encode(title, forKey: .title)
        try container.encode(patterns, forKey: .patterns)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(applicability, forKey: .applicability)
        try container.encode(priority, forKey: .priority)
        try container.encode(impact, forKey: .impact)
        try container.encode(rationale, forKey: .rationale)
        try container.encode(expectedEffect, forKey: .expectedEffect)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(patch, forKey: .patch)
        try container.encode(verified, forKey: .verified)
    }
}

public enum Applicability: String, Codable, Sendable { case safe, unsafe }

public struct Verification: Codable, Sendable, Equatable {
    public var errorRateBefore: Double
    public var errorRateAfter: Double
    public var p99BeforeUs: Int
    public var p99AfterUs: Int

    enum CodingKeys: String, CodingKey {
        case errorRateBefore = "error_rate_before"
        case errorRateAfter = "error_rate_after"
        case p99BeforeUs = "p99_before_us"
        case p99AfterUs = "p99_after_us"
    }

    public init(errorRateBefore: Double, errorRateAfter: Double, p99BeforeUs: Int, p99AfterUs: Int) {
        self.errorRateBefore = errorRateBefore
        self.errorRateAfter = errorRateAfter
        self.p99BeforeUs = p99BeforeUs
        self.p99AfterUs = p99AfterUs
    }
}

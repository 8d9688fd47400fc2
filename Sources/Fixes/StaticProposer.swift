import Artifacts
import Foundation

/// Turns failure patterns into ranked proposals. This first proposer answers each pattern
/// with the recipe that fixes its kind and a rationale drawn from its evidence; it writes no
/// diff yet (`patch` is null), so every proposal is a reviewable recommendation, not a change.
public enum StaticProposer {
    struct Recipe {
        var name: String
        var title: String
        var applicability: Applicability
        /// Turns failures into successes (ranks above one that only changes how a failure looks).
        var rescues: Bool
        var rationale: String
        var effect: String
    }

    static func recipe(for kind: PatternKind) -> Recipe? {
        switch kind {
        case .missingTimeout, .noTimeout:
            return Recipe(
                name: "add-timeout", title: "Give the outbound call an explicit timeout", applicability: .unsafe, rescues: true,
                rationale: "The call waits as long as the dependency takes, so a slow dependency holds the request and its worker. An explicit timeout bounds that wait and turns a hang into an error the code can handle.",
                effect: "Latency under a slow dependency is capped at the timeout instead of tracking the dependency's delay.")
        case .blockingCallInAsync, .eventLoopBlocking:
            return Recipe(
                name: "offload-blocking-call", title: "Move the blocking call off the event loop", applicability: .safe, rescues: true,
                rationale: "A synchronous call inside an async handler blocks the event loop, so every other request waits while it runs. Running it in a worker thread (`await asyncio.to_thread(...)` or `run_in_threadpool`) keeps the loop serving.",
                effect: "Unrelated endpoints keep their latency while this call is slow.")
        case .clientPerRequest:
            return Recipe(
                name: "reuse-http-client", title: "Reuse one HTTP client instead of creating one per request", applicability: .unsafe, rescues: false,
                rationale: "A new client per request pays connection setup (and TLS context creation) every time and keeps no connection pool. One client created at startup and closed at shutdown reuses connections.",
                effect: "Lower latency and CPU per request; fewer connection errors under load.")
        case .nonIdempotentWrite:
            return Recipe(
                name: "idempotency-key", title: "Send an idempotency key with the write", applicability: .unsafe, rescues: false,
                rationale: "The write is not idempotent, so a retry after a timeout can apply it twice (a double booking). An idempotency key lets the receiver recognize the repeat; only then is a retry safe.",
                effect: "Retries become safe; no duplicate writes after timeouts.")
        case .unhandledDependencyError, .cascade:
            return Recipe(
                name: "map-dependency-error", title: "Answer a dependency failure with 503 and Retry-After, not 500", applicability: .safe, rescues: false,
                rationale: "The dependency's exception escapes the handler and the framework answers 500, which tells clients the server is broken. Catching the library's connection and timeout errors and answering 503 with Retry-After tells them to come back.",
                effect: "5xx responses caused by this dependency become 503 with Retry-After; clients and load balancers back off.")
        case .threadPoolExhaustion:
            return Recipe(
                name: "bulkhead", title: "Bound the concurrency of the slow dependency", applicability: .unsafe, rescues: false,
                rationale: "Slow synchronous calls hold the worker threads until none is left for other endpoints. A semaphore around the dependency keeps a share of the pool free.",
                effect: "Other endpoints keep serving while this dependency is slow.")
        case .unattributedErrors, .testFailsUnderChaos:
            return nil
        }
    }

    /// Proposals for the patterns, ranked: measured before static, then by impact, then fixes
    /// that rescue requests before those that change how a failure looks.
    public static func propose(_ patterns: FailurePatterns) -> FixProposals {
        var drafts: [(proposal: FixProposal, rescues: Bool)] = []
        var seen: Set<String> = []
        for pattern in patterns.patterns {
            guard let recipe = recipe(for: pattern.kind), let location = pattern.locations.first else { continue }
            let key = "\(recipe.name) \(location.file):\(location.line)"
            guard seen.insert(key).inserted else {
                if let index = drafts.firstIndex(where: { "\($0.proposal.recipe) \($0.proposal.file):\($0.proposal.line)" == key }) {
                    drafts[index].proposal.patterns.append(pattern.id)
                    drafts[index].proposal.impact = max(drafts[index].proposal.impact, pattern.impact)
                }
                continue
            }
            let proposal = FixProposal(
                id: "", recipe: recipe.name, title: "\(recipe.title) (\(location.file):\(location.line))", patterns: [pattern.id],
                file: location.file, line: location.line, applicability: recipe.applicability, priority: 0, impact: pattern.impact,
                rationale: recipe.rationale, expectedEffect: recipe.effect, evidence: pattern.evidenceKind, patch: nil)
            drafts.append((proposal, recipe.rescues))
        }
        drafts.sort { a, b in
            if a.proposal.evidence != b.proposal.evidence { return a.proposal.evidence == .measured }
            if a.proposal.impact != b.proposal.impact { return a.proposal.impact > b.proposal.impact }
            if a.rescues != b.rescues { return a.rescues }
            return (a.proposal.file, a.proposal.line, a.proposal.recipe) < (b.proposal.file, b.proposal.line, b.proposal.recipe)
        }
        var proposals: [FixProposal] = []
        for (index, draft) in drafts.enumerated() {
            var proposal = draft.proposal
            proposal.priority = index + 1
            proposal.id = String(format: "fix-%03d", index + 1)
            proposals.append(proposal)
        }
        return FixProposals(proposals: proposals)
    }
}

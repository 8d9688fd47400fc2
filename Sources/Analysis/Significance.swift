import Foundation

/// The significance tests behind "beyond noise" in analyze and compare. Each returns a p-value.
///
/// Exact tests where counts are small (McNemar on discordant pairs, Fisher on a 2×2 table), since
/// chaos runs have endpoints with a handful of requests, where normal approximations flag noise.
public enum Significance {
    /// McNemar's exact test: of the pairs whose outcome differs, `b` failed only before and `c`
    /// only after. Under no change each is a fair coin flip.
    public static func mcNemar(onlyBefore b: Int, onlyAfter c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        var tail = 0.0
        for k in 0...min(b, c) { tail += exp(logChoose(n, k) - Double(n) * log(2.0)) }
        return min(1, 2 * tail)
    }

    /// The two-proportion z-test, for unpaired error rates: `x1` of `n1` against `x2` of `n2`.
    public static func twoProportions(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        let p1 = Double(x1) / Double(n1)
        let p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return p1 == p2 ? 1 : 0 }
        return erfc(abs(p2 - p1) / se / 2.0.squareRoot())
    }

    /// Fisher's exact test on `x1` of `n1` against `x2` of `n2`: the probability, with the margins
    /// fixed, of a table at most as likely as the observed one.
    public static func fisher(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> Double {
        let successes = x1 + x2
        let total = n1 + n2
        guard n1 > 0, n2 > 0, successes > 0, successes < total else { return 1 }
        func logP(_ k: Int) -> Double {
            logChoose(n1, k) + logChoose(n2, successes - k) - logChoose(total, successes)
        }
        let observed = logP(x1)
        var sum = 0.0
        for k in max(0, successes - n2)...min(n1, successes) {
            let value = logP(k)
            // A relative slack, as R's fisher.test uses, so tables tied with the observed one count.
            if value <= observed + 1e-7 { sum += exp(value) }
        }
        return min(1, sum)
    }

    /// Holm's step-down procedure: which of `pValues` stay significant at `alpha` for the family
    /// as a whole, so that comparing many endpoints does not multiply false alarms.
    public static func holm(_ pValues: [Double], alpha: Double) -> [Bool] {
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var significant = Array(repeating: false, count: pValues.count)
        for (rank, index) in order.enumerated() {
            guard pValues[index] <= alpha / Double(pValues.count - rank) else { break }
            significant[index] = true
        }
        return significant
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}

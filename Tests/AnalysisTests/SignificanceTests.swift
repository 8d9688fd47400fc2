import Testing

@testable import Analysis

/// The tests against values computed independently with scipy.stats (binomtest, fisher_exact,
/// norm.sf).
struct SignificanceTests {
    @Test func mcNemarIsAnExactBinomialOnTheDiscordantPairs() {
        #expect(abs(Significance.mcNemar(onlyBefore: 8, onlyAfter: 0) - 0.0078125) < 1e-12)
        // binomtest(2, 12, 0.5): 0.03857421875
        #expect(abs(Significance.mcNemar(onlyBefore: 10, onlyAfter: 2) - 0.0385742) < 1e-6)
        #expect(Significance.mcNemar(onlyBefore: 5, onlyAfter: 5) == 1)
        #expect(Significance.mcNemar(onlyBefore: 0, onlyAfter: 0) == 1)
    }

    @Test func fisherMatchesR() {
        // fisher_exact([[3, 1], [1, 3]]): 0.485714
        #expect(abs(Significance.fisher(3, 4, 1, 4) - 0.4857143) < 1e-6)
        // fisher_exact([[0, 300], [7, 293]]): 0.0150818
        #expect(abs(Significance.fisher(0, 300, 7, 300) - 0.0150818) < 1e-6)
        #expect(Significance.fisher(0, 2, 1, 9) == 1)
    }

    @Test func twoProportionsMatchesTheNormalTail() {
        // 30/100 against 22/100: z = 1.28965, two-sided p = 0.197172
        #expect(abs(Significance.twoProportions(30, 100, 22, 100) - 0.197172) < 1e-5)
    }

    @Test func holmStepsDownAndStopsAtTheFirstFailure() {
        #expect(Significance.holm([0.01, 0.04, 0.03, 0.005], alpha: 0.05) == [true, false, false, true])
        #expect(Significance.holm([0.001, 0.02, 0.04], alpha: 0.05) == [true, true, true])
        #expect(Significance.holm([], alpha: 0.05) == [])
    }
}

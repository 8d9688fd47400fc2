import Foundation
import TestSupport
import Testing

@testable import Injection
@testable import Patching

/// Every function of every file of CPython's stdlib gets a hook; each result must compile
/// wherever the original did (one Python process compiles the whole batch), and reverting
/// through the rendered, re-parsed patch must give back every file byte for byte.
struct StdlibStressTests {
    @Test func hookEveryFunctionOfTheStdlibThenRevert() throws {
        let (code, stdlibOut) = try run(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
        try #require(code == 0)
        let stdlib = stdlibOut.trimmingCharacters(in: .whitespacesAndNewlines)
        var paths: [String] = []
        let walker = FileManager.default.enumerator(atPath: stdlib)!
        while let relative = walker.nextObject() as? String {
            if relative.hasPrefix("site-packages") || relative.hasPrefix("dist-packages") {
                walker.skipDescendants()
                continue
            }
            if relative.hasSuffix(".py") { paths.append(relative) }
        }
        paths.sort()
        let started = Date()
        // Files are independent: rewrite them on every core, then aggregate in path order.
        let outcomes = Outcomes(count: paths.count)
        let files = paths
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            outcomes.set(index, Self.process(path: files[index], stdlib: stdlib))
        }
        var changes: [FileChange] = []
        var functions = 0
        var hooked = 0
        var unreadable: [String] = []
        var skipped = 0
        var hookSeconds = 0.0
        var diffSeconds = 0.0
        var revertFailures: [String] = []
        for outcome in outcomes.all {
            guard let outcome else { continue }
            functions += outcome.functions
            hooked += outcome.hooked
            skipped += outcome.skipped
            hookSeconds += outcome.hookSeconds
            diffSeconds += outcome.diffSeconds
            if let problem = outcome.unreadable { unreadable.append(problem) }
            revertFailures += outcome.revertFailures
            if let change = outcome.change { changes.append(change) }
        }
        let rewriteSeconds = Date().timeIntervalSince(started)
        let failures = try CompileCheck.failures(changes, python: "python3")
        let total = Date().timeIntervalSince(started)
        print(
            """
            stdlib stress: \(paths.count) files, \(changes.count) rewritten, \(unreadable.count) refused as unreadable
              functions \(functions), hooked \(hooked), skipped with a diagnostic \(skipped)
              compile failures where the original compiled: \(failures.count)
              revert mismatches: \(revertFailures.count)
              placing hooks \(String(format: "%.1f", hookSeconds)) s, making diffs \(String(format: "%.1f", diffSeconds)) s (CPU, all threads)
              rewrite+patch round trip \(String(format: "%.1f", rewriteSeconds)) s, with the compile check \(String(format: "%.1f", total)) s
            """)
        for failure in failures.prefix(20) { print("  compile: \(failure.path):\(failure.line): \(failure.message)") }
        for path in unreadable.prefix(20) { print("  refused: \(path)") }
        #expect(failures.isEmpty)
        #expect(revertFailures.isEmpty, "\(revertFailures.prefix(20))")
        #expect(paths.count > 1000 && hooked > 30000)
        #expect(Double(hooked) / Double(functions) > 0.99)
    }

    struct Outcome: Sendable {
        var functions = 0
        var hooked = 0
        var skipped = 0
        var hookSeconds = 0.0
        var diffSeconds = 0.0
        var unreadable: String?
        var revertFailures: [String] = []
        var change: FileChange?
    }

    /// Hooks one file, then reverts it through the patch as written to disk and read back.
    static func process(path: String, stdlib: String) -> Outcome? {
        guard let data = FileManager.default.contents(atPath: stdlib + "/" + path) else { return nil }
        let original = [UInt8](data)
        var outcome = Outcome()
        let t0 = Date()
        let result = EveryFunctionHooks.inject(path: path, bytes: original)
        outcome.hookSeconds = Date().timeIntervalSince(t0)
        guard let injected = result.bytes else {
            outcome.unreadable = "\(path): \(result.diagnostics.first?.message ?? "")"
            return outcome
        }
        outcome.functions = result.functions
        outcome.hooked = result.hooked
        outcome.skipped = result.diagnostics.count
        if injected == original { return outcome }
        let t1 = Date()
        let patch = FilePatch.make(path: path, old: original, new: injected)
        outcome.diffSeconds = Date().timeIntervalSince(t1)
        do {
            let parsed = try FilePatch.parse(patch.render(), name: path + ".patch")
            if try parsed[0].reversed.apply(to: injected) != original { outcome.revertFailures.append(path) }
            if try parsed[0].apply(to: original) != injected { outcome.revertFailures.append(path + " (forward)") }
        } catch {
            outcome.revertFailures.append("\(path): \(error)")
        }
        outcome.change = FileChange(path: path, before: original, after: injected)
        return outcome
    }
}

/// Results written by concurrent workers, one slot each.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [StdlibStressTests.Outcome?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: StdlibStressTests.Outcome?) {
        lock.lock()
        slots[index] = outcome
        lock.unlock()
    }

    var all: [StdlibStressTests.Outcome?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

import Foundation
import TestSupport
import Testing

@testable import Patching

/// The real binary, killed after each of its file writes (CHAOS_TEST_CRASH_AFTER_WRITES=N), and
/// two commands racing for one app. Each file must end fully original or fully injected.
@Suite(.serialized)
struct CrashAndLockTests: Sendable {
    /// Every regular file under `dir` (lock and .gitignore aside) with its bytes' hash.
    func state(_ dir: TemporaryDirectory) -> [String: String] {
        var out: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: dir.path)!
        while let relative = walker.nextObject() as? String {
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular,
                relative != ".chaos-test/lock", relative != ".chaos-test/.gitignore"
            else { continue }
            out[relative] = SHA256Digest.hex(dir.read(relative) ?? [])
        }
        return out
    }

    func inject(_ dir: TemporaryDirectory, crashAfter: Int? = nil) throws -> (Int32, String) {
        try Binary.run(
            ["inject", dir.path, "--scan", FixtureApp.scanPath(dir), "--seed", "1"],
            environment: crashAfter.map { ["CHAOS_TEST_CRASH_AFTER_WRITES": "\($0)"] } ?? [:])
    }

    @Test func injectKilledAfterEveryWriteRecoversToAConsistentState() throws {
        let original = try TemporaryDirectory()
        try FixtureApp.write(into: original)
        let originalState = state(original)
        let reference = try TemporaryDirectory()
        try FixtureApp.write(into: reference)
        #expect(try inject(reference).0 == 0)
        let injectedState = state(reference)
        var crashes = 0
        for n in 1...100 {
            let dir = try TemporaryDirectory()
            try FixtureApp.write(into: dir)
            let (status, output) = try inject(dir, crashAfter: n)
            if status == 0 { break }
            #expect(status == 86, "write \(n): \(output)")
            crashes += 1
            // Killed mid-way: each source file is whole, on one side or the other.
            let now = state(dir)
            for (path, hash) in originalState where !path.hasPrefix(".chaos-test") {
                #expect(
                    now[path] == hash || now[path] == injectedState[path],
                    "write \(n): \(path) is neither original nor injected")
            }
            // The next command recovers (rolls the interrupted inject back), then does its own work.
            let (again, log) = try inject(dir)
            #expect(again == 0, "after write \(n): \(log)")
            #expect(state(dir) == injectedState, "after write \(n): the app is not exactly as a clean inject leaves it")
        }
        #expect(crashes >= 10)  // journal, 3 sources, runtime, 4 patches, config, settings, journal removal
        print("inject: killed after each of \(crashes) writes, recovered every time")
    }

    @Test func revertKilledAfterEveryWriteRecoversToTheOriginal() throws {
        let original = try TemporaryDirectory()
        try FixtureApp.write(into: original)
        let originalState = state(original)
        var crashes = 0
        for n in 1...100 {
            let dir = try TemporaryDirectory()
            try FixtureApp.write(into: dir)
            #expect(try inject(dir).0 == 0)
            let injectedState = state(dir)
            let (status, output) = try Binary.run(
                ["revert", dir.path], environment: ["CHAOS_TEST_CRASH_AFTER_WRITES": "\(n)"])
            if status == 0 { break }
            #expect(status == 86, "write \(n): \(output)")
            crashes += 1
            let now = state(dir)
            for (path, hash) in originalState where !path.hasPrefix(".chaos-test") {
                #expect(
                    now[path] == hash || now[path] == injectedState[path],
                    "write \(n): \(path) is neither original nor injected")
            }
            let (again, log) = try Binary.run(["check", dir.path])
            _ = (again, log)
            let (revert, revertLog) = try Binary.run(["revert", dir.path])
            #expect(revert == 0, "after write \(n): \(revertLog)")
            #expect(state(dir) == originalState, "after write \(n): not back to the original")
        }
        #expect(crashes >= 10)
        print("revert: killed after each of \(crashes) writes, recovered every time")
    }

    @Test func aLockedAppMakesTheSecondCommandWaitOrRefuseAndAKilledHolderLeavesNoStaleLock() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let before = state(dir)
        // A real chaos-test holding the lock for a long time.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Binary.path)
        holder.arguments = ["chaos", dir.path, "on"]
        holder.environment = ProcessInfo.processInfo.environment.merging(["CHAOS_TEST_PAUSE_AFTER_LOCK": "60"]) { $1 }
        let pipe = Pipe()
        holder.standardError = pipe
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        // Wait until it says it holds the lock.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("holding the lock") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        let (status, output) = try inject(dir, crashAfter: nil, lockTimeout: "1")
        #expect(status != 0)
        #expect(output.contains("another chaos-test command") && output.contains("chaos"), "\(output)")
        #expect(state(dir) == before)
        // SIGKILL the holder: the kernel drops its flock, and the next command goes ahead at once.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let (after, log) = try inject(dir, crashAfter: nil, lockTimeout: "1")
        #expect(after == 0, "\(log)")
    }

    @Test func twoConcurrentInjectsLeaveOneInjection() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let group = DispatchGroup()
        let results = LockedResults()
        for _ in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                results.append((try? self.inject(dir)) ?? (-1, "failed to run"))
                group.leave()
            }
        }
        group.wait()
        let all = results.values
        #expect(all.allSatisfy { $0.0 == 0 }, "\(all)")
        #expect(all.filter { $0.1.contains("already injected") }.count == 1, "\(all)")
        let hooks = try Binary.run(["check", dir.path])
        #expect(hooks.1.components(separatedBy: "hook ").count - 1 == 5)
    }

    func inject(_ dir: TemporaryDirectory, crashAfter: Int?, lockTimeout: String) throws -> (Int32, String) {
        try Binary.run(
            ["inject", dir.path, "--scan", FixtureApp.scanPath(dir), "--seed", "1"],
            environment: ["CHAOS_TEST_LOCK_TIMEOUT": lockTimeout])
    }
}

final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int32, String)] = []
    func append(_ item: (Int32, String)) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var values: [(Int32, String)] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

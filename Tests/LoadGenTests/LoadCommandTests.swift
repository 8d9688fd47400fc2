import Artifacts
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `chaos-test load` executable, run as a user would.
@Suite(.serialized) struct LoadCommandTests {
    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs chaos-test with `arguments`; `whileRunning` gets the PID before the wait.
    func chaosTest(_ arguments: [String], in directory: URL, whileRunning: ((pid_t) throws -> Void)? = nil) throws -> Finished {
        let process = Process()
        process.executableURL = try chaosTestExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdout = directory.appendingPathComponent("stdout.txt")
        let stderr = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try whileRunning?(process.processIdentifier)
        process.waitUntilExit()
        return Finished(
            status: process.terminationStatus, stdout: try String(contentsOf: stdout, encoding: .utf8),
            stderr: try String(contentsOf: stderr, encoding: .utf8))
    }

    @Test func nonLoopbackTargetIsRefusedBeforeAnyRequest() throws {
        let directory = try temporaryDirectory()
        // 203.0.113.0/24 is TEST-NET-3: nothing answers there, and the check refuses it before any socket.
        let finished = try chaosTest(["load", "--url", "http://203.0.113.7:8080", "--requests", "1"], in: directory)
        #expect(finished.status == 2)
        #expect(finished.stderr.contains("refusing to send load to '203.0.113.7'"))
        #expect(finished.stderr.contains("--allow-remote"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("load-results.json").path))
    }

    @Test func badPlanFileExitsWithItsLocation() throws {
        let directory = try temporaryDirectory()
        let plan = directory.appendingPathComponent("plan.yaml")
        try "requests:\n  - {method: GET, path: /x}\n  - {method: GRAB, path: /y}\n".write(to: plan, atomically: true, encoding: .utf8)
        // Port 9 on loopback: the plan is read before any request, so nothing needs to listen.
        let finished = try chaosTest(["load", "--url", "http://127.0.0.1:9", "--plan", plan.path], in: directory)
        #expect(finished.status == 2)
        #expect(finished.stderr.contains("\(plan.path):3:"))
        #expect(finished.stderr.contains("requests[1].method: 'GRAB' is not an HTTP method"))
    }

    @Test func writesResultsAndJSONSummary() throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        defer { server.stop() }
        let plan = directory.appendingPathComponent("plan.yaml")
        try "requests:\n  - {method: GET, path: /a}\n  - {method: GET, path: /status/404}\n".write(to: plan, atomically: true, encoding: .utf8)
        let finished = try chaosTest(
            ["load", "--url", server.url.absoluteString, "--plan", plan.path, "--requests", "120", "--concurrency", "4",
             "--warmup", "10", "--out", "out.json", "--json"], in: directory)
        #expect(finished.status == 0, "\(finished.stderr)")
        let printed = try JSONValue.parse(Data(finished.stdout.utf8))
        #expect(printed.value(atPointer: "/summary/*/count") == .int(120))
        let results = try LoadResultsReader(url: directory.appendingPathComponent("out.json")).readAll()
        #expect(results.records.count == 120)
        #expect(results.summary["baseline"]?["GET /status/404"]?.clientErrors == results.records.filter { $0.status == 404 }.count)
        #expect(!finished.stderr.contains("requests  ")) // no progress line when stderr is not a terminal
    }

    @Test func sigintWritesPartialResults() throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        defer { server.stop() }
        let plan = directory.appendingPathComponent("plan.yaml")
        try "requests:\n  - {method: GET, path: /a}\n".write(to: plan, atomically: true, encoding: .utf8)
        let finished = try chaosTest(
            ["load", "--url", server.url.absoluteString, "--plan", plan.path, "--duration", "60", "--concurrency", "2"],
            in: directory
        ) { pid in
            // Wait until requests are flowing (the sidecar has records), then press Ctrl-C.
            let sidecar = directory.appendingPathComponent("load-results.json.records.jsonl")
            let start = Date()
            while Date().timeIntervalSince(start) < 20 {
                if let size = try? FileManager.default.attributesOfItem(atPath: sidecar.path)[.size] as? Int, size > 0 { break }
                usleep(100_000)
            }
            usleep(300_000)
            kill(pid, SIGINT)
        }
        #expect(finished.status == 130, "\(finished.stderr)")
        let results = try LoadResultsReader(url: directory.appendingPathComponent("load-results.json")).readAll()
        #expect(results.meta.partial)
        #expect(results.records.count > 0)
        #expect(results.summary["baseline"]?["*"]?.count == results.records.count)
        #expect(finished.stdout.contains("partial"))
    }
}

import Foundation
import TestSupport
import Testing

@testable import Patching

/// The whole cycle on each sample, on loopback: inject, every changed file compiles, the app
/// serves with chaos on, injected failures carry request ids into events.jsonl, `chaos off`
/// stops them without a restart, revert restores every file's hash.
@Suite(.serialized)
struct LoopbackCycleTests {
    /// Sends requests with X-Chaos-Request-Id and prints one `id status` line per request.
    static let client = #"""
        import sys, urllib.request, urllib.error
        base, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
        for i in range(count):
            rid = "%s-%d" % (prefix, i)
            req = urllib.request.Request(base + "/healthz", headers={"X-Chaos-Request-Id": rid})
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except Exception as e:
                status = 0
            print(rid, status, flush=True)
        """#

    static let waitForHealth = #"""
        import sys, time, urllib.request
        for _ in range(200):
            try:
                with urllib.request.urlopen(sys.argv[1] + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        sys.exit(0)
            except Exception:
                pass
            time.sleep(0.1)
        sys.exit(1)
        """#

    static func freePort() throws -> Int {
        let (_, out) = try run(
            "/usr/bin/env",
            ["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    /// Starts a server; the returned process is killed by the caller's defer.
    static func start(
        _ python: String, _ arguments: [String], in directory: String, environment: [String: String], log: String
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)!
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @Test(arguments: [Samples.orbital, Samples.flask].map(\.name))
    func injectServeFailOffRevert(_ name: String) throws {
        let sample = [Samples.orbital, Samples.flask].first { $0.name == name }!
        let python = Samples.python(sample)
        try #require(FileManager.default.isExecutableFile(atPath: python), "run .ci/setup-python \(sample.name) first")
        let (dir, originals) = try Samples.copy(sample)

        // 1. Inject: fast latency so the test stays short; a high rate so failures show in 40 requests.
        let (status, output) = try Binary.run([
            "inject", dir.path, "--app", sample.app, "--seed", "1", "--fault-rate", "0.5", "--delay", "0.001-0.005",
        ])
        try #require(status == 0, "\(output)")
        let config =
            try JSONSerialization.jsonObject(with: Data(dir.read(".chaos-test/chaos-config.json")!)) as! [String: Any]
        let files = (config["files"] as! [[String: Any]]).map { $0["path"] as! String }

        // 2. Every changed file compiles with the app's Python (in memory: no __pycache__).
        for file in files {
            let (ok, log) = try run(
                python,
                [
                    "-B", "-c", "import sys; compile(open(sys.argv[1], 'rb').read(), sys.argv[1], 'exec')",
                    dir.path + "/" + file,
                ])
            #expect(ok == 0, "\(file): \(log)")
        }

        // 3. Start the service and the app, chaos switched off while it starts.
        #expect(try Binary.run(["chaos", dir.path, "off"]).0 == 0)
        let servicePort = try Self.freePort()
        let appPort = try Self.freePort()
        let service = try Self.start(
            python, sample.serviceCommand + ["\(servicePort)"], in: dir.path, environment: [:],
            log: dir.path + "/service.log")
        defer { Self.stop(service) }
        let app = try Self.start(
            python, sample.appCommand + ["\(appPort)"], in: dir.path,
            environment: [
                sample.serviceURLVariable: "http://127.0.0.1:\(servicePort)",
                "DATABASE_PATH": dir.path + "/data/app.db",
                "PYTHONDONTWRITEBYTECODE": "1",
            ],
            log: dir.path + "/app.log")
        defer { Self.stop(app) }
        let base = "http://127.0.0.1:\(appPort)"
        let healthy = try run(python, ["-c", Self.waitForHealth, base])
        try #require(
            healthy.0 == 0,
            "the app did not start: \(String(decoding: dir.read("app.log") ?? [], as: UTF8.self).suffix(2000))")

        // 4. Chaos on: some requests fail, and each failure's request id is in events.jsonl.
        #expect(try Binary.run(["chaos", dir.path, "on"]).0 == 0)
        let (_, onOutput) = try run(python, ["-c", Self.client, base, "on", "40"])
        let on = onOutput.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count == 2 }
        let failed = on.filter { $0[1].hasPrefix("5") }.map { String($0[0]) }
        #expect(on.count == 40)
        #expect(failed.count >= 3, "\(onOutput)")
        let events = String(decoding: dir.read(".chaos-test/events.jsonl") ?? [], as: UTF8.self)
            .split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        let eventIds = Set(events.compactMap { $0["request_id"] as? String })
        for id in failed { #expect(eventIds.contains(id), "failed request \(id) has no event") }
        #expect(
            events.contains { ($0["fault"] as? String) == "latency" }
                || events.contains { ($0["fault"] as? String) == "exception" })

        // 5. Chaos off, no restart: no more failures, no more fault events.
        #expect(try Binary.run(["chaos", dir.path, "off"]).0 == 0)
        let before = events.filter { $0["point"] != nil }.count
        let (_, offOutput) = try run(python, ["-c", Self.client, base, "off", "30"])
        let off = offOutput.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.count == 2 }
        #expect(off.count == 30 && off.allSatisfy { $0[1] == "200" }, "\(offOutput)")
        let after = String(decoding: dir.read(".chaos-test/events.jsonl") ?? [], as: UTF8.self)
            .split(separator: "\n").filter { $0.contains("\"point\"") }.count
        #expect(after == before)

        // 6. Stop, revert: every file is back to its original hash.
        Self.stop(app)
        Self.stop(service)
        let (reverted, revertLog) = try Binary.run(["revert", dir.path])
        #expect(reverted == 0, "\(revertLog)")
        for (path, bytes) in originals {
            #expect(SHA256Digest.hex(dir.read(path) ?? []) == SHA256Digest.hex(bytes), "\(path)")
        }
        #expect(dir.read("chaos_test_runtime.py") == nil)
        #expect(try Binary.run(["check", dir.path]).0 == 0)
        print(
            "\(sample.name): \(failed.count)/40 requests failed with chaos on, 0/30 with chaos off; \(events.count) event lines"
        )
    }
}

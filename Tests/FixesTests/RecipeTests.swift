import Artifacts
import Discovery
import Fixes
import Foundation
import Testing
import TestSupport

/// Each recipe on small apps written for the case: the diff keeps the file's conventions (line
/// endings, tabs, a missing final newline), the result compiles, and a recipe is only chosen
/// where the evidence allows it.
struct RecipeTests {
    struct Proposed {
        var output: FixProposer.Output
        var dir: TemporaryDirectory

        /// The file after applying the named proposal's patch with git.
        func applied(_ proposal: FixProposal, _ file: String) throws -> String {
            let copy = try TemporaryDirectory()
            for name in try FileManager.default.subpathsOfDirectory(atPath: dir.path) {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir.path + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue,
                    let bytes = dir.read(name)
                {
                    try copy.write(name, bytes)
                }
            }
            let patch = try TemporaryDirectory()
            let name = try #require(proposal.patch, "\(proposal.id) has no diff; notes: \(output.notes)")
            try patch.write("p.patch", try #require(output.patches[name]))
            _ = try TestSupport.run("/usr/bin/git", ["-C", copy.path, "init", "-q"])
            let result = try TestSupport.run("/usr/bin/git", ["-C", copy.path, "apply", patch.path + "/p.patch"])
            try #require(result.0 == 0, "\(result.1)")
            let compile = try TestSupport.run("/usr/bin/python3", ["-B", "-m", "py_compile", copy.path + "/" + file])
            #expect(compile.0 == 0, "\(file) does not compile after \(proposal.id): \(compile.1)")
            return String(decoding: copy.read(file)!, as: UTF8.self)
        }
    }

    /// Writes the files, scans them with the real scanner, and proposes for the given patterns.
    func propose(_ files: [String: String], patterns: [Pattern], hashes: [String: String] = [:]) throws -> Proposed {
        let dir = try TemporaryDirectory()
        for (name, text) in files { try dir.write(name, Array(text.utf8)) }
        let scan = try Scanner.scan(ScanOptions(root: URL(fileURLWithPath: dir.path)))
        let failure = FailurePatterns(endpoints: [:], points: [:], tracebacks: [], patterns: patterns)
        let output = try FixProposer.propose(
            scan: scan, patterns: failure, sourceRoot: dir.path, originalHashes: hashes, python: "/usr/bin/python3")
        return Proposed(output: output, dir: dir)
    }

    func pattern(_ kind: PatternKind, _ file: String, _ line: Int, evidence: [String: JSONValue] = [:], endpoints: [String] = []) -> Pattern {
        Pattern(
            id: "\(kind.rawValue)-1", kind: kind, title: "t", severity: .high, impact: 0.5, endpoints: endpoints, points: [],
            locations: [SourceLocation(file: file, line: line, function: "")], evidenceKind: .measured, evidence: evidence)
    }

    @Test func timeoutAndRetryKeepCRLFAndTabs() throws {
        let app = [
            "import requests", "from flask import Flask", "", "app = Flask(__name__)", "", "",
            "@app.get(\"/price\")", "def price():", "\tresp = requests.get(\"http://127.0.0.1:9/p\")", "\treturn resp.text", "",
        ].joined(separator: "\r\n")
        let proposed = try propose(
            ["app.py": app],
            patterns: [
                pattern(.missingTimeout, "app.py", 9),
                pattern(.unhandledDependencyError, "app.py", 9, evidence: ["library": .string("requests")]),
            ])
        let proposals = proposed.output.proposals.proposals
        let timeout = try #require(proposals.first { $0.recipe == "add-timeout" })
        let after = try proposed.applied(timeout, "app.py")
        #expect(after.contains("\tresp = requests.get(\"http://127.0.0.1:9/p\", timeout=5.0)\r\n"))
        #expect(!after.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a line lost its CRLF")
        let retry = try #require(proposals.first { $0.recipe == "retry-idempotent" })
        let retried = try proposed.applied(retry, "app.py")
        #expect(retried.contains("\tfor attempt in range(3):"))
        #expect(retried.contains("\t\texcept (requests.ConnectionError, requests.Timeout):\r\n"))
        #expect(retried.contains("\t\t\ttime.sleep(0.1 * 2**attempt * (1 + random.random()))\r\n"))
        #expect(retried.contains("import time\r\n"))
        // A 503 handler for the Flask app answers the unhandled error.
        let mapping = try #require(proposals.first { $0.recipe == "map-dependency-error" })
        let mapped = try proposed.applied(mapping, "app.py")
        #expect(mapped.contains("app.register_error_handler(requests.ConnectionError, requests_unavailable)\r\n"))
        #expect(!mapped.contains("requests.RequestException"), "a URL with no scheme is a bug, not a 503")
        #expect(!mapped.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "a handler line lost its CRLF")
        // Rescuing fixes first: the retry outranks the 503 mapping at equal impact.
        #expect(retry.priority < mapping.priority)
    }

    @Test func aPostGetsAnIdempotencyKeyNeverARetry() throws {
        let client = """
            import httpx


            async def hold(n):
                async with httpx.AsyncClient() as client:
                    resp = await client.post("http://127.0.0.1:9/holds", json={"n": n})
                return resp.json()

            """
        let proposed = try propose(
            ["client.py": client],
            patterns: [pattern(.unhandledDependencyError, "client.py", 6, evidence: ["library": .string("httpx")])])
        let proposals = proposed.output.proposals.proposals
        #expect(!proposals.contains { $0.recipe == "retry-idempotent" })
        // No request in scope, so no key stays the same across retries: no idempotency key either
        // (LifespanClientAndIdempotencyTests covers the handler that has one).
        #expect(!proposals.contains { $0.recipe == "idempotency-key" })
    }

    @Test func offloadWrapsACallWhoseResultIsDereferenced() throws {
        let app = """
            import time
            from fastapi import FastAPI

            app = FastAPI()


            def slow():
                time.sleep(1)
                return {"a": 1}


            @app.get("/x")
            async def handler():
                value = slow().get("a")
                return {"value": value}
            """
        let proposed = try propose(["main.py": app], patterns: [pattern(.blockingCallInAsync, "main.py", 14)])
        let offload = try #require(proposed.output.proposals.proposals.first { $0.recipe == "offload-blocking-call" })
        let after = try proposed.applied(offload, "main.py")
        #expect(after.contains("    value = (await asyncio.to_thread(slow)).get(\"a\")\n"))
        #expect(after.hasSuffix("return {\"value\": value}"), "the missing final newline must stay missing")
    }

    @Test func aFactoryAppGetsItsHandlerInsideTheFactory() throws {
        let app = """
            import requests
            from flask import Flask


            def create_app():
                app = Flask(__name__)

                @app.get("/p")
                def p():
                    return requests.get("http://127.0.0.1:9", timeout=1).text

                return app

            """
        let proposed = try propose(
            ["inventory.py": app],
            patterns: [pattern(.unhandledDependencyError, "inventory.py", 10, evidence: ["library": .string("requests")])])
        let mapping = try #require(proposed.output.proposals.proposals.first { $0.recipe == "map-dependency-error" })
        let after = try proposed.applied(mapping, "inventory.py")
        #expect(after.contains("    app.register_error_handler(requests.ConnectionError, requests_unavailable)\n    return app\n"))
    }

    @Test func aFileChangedSinceTheRunGetsNoDiff() throws {
        let proposed = try propose(
            ["app.py": "import requests\n\n\ndef f():\n    return requests.get('http://127.0.0.1:9')\n"],
            patterns: [pattern(.missingTimeout, "app.py", 5)], hashes: ["app.py": String(repeating: "0", count: 64)])
        let timeout = try #require(proposed.output.proposals.proposals.first)
        #expect(timeout.patch == nil)
        #expect(proposed.output.notes.contains { $0.contains("app.py changed since the run") })
    }

    @Test func aBulkheadBoundsASlowSyncDependency() throws {
        let app = """
            import requests
            from flask import Flask

            app = Flask(__name__)


            @app.get("/stock")
            def stock():
                resp = requests.get("http://127.0.0.1:9/stock", timeout=2)
                return resp.text

            """
        let exhaustion = Pattern(
            id: "thread-pool-exhaustion-1", kind: .threadPoolExhaustion, title: "t", severity: .high, impact: 0.3,
            endpoints: ["GET /stock"], points: [], locations: [SourceLocation(file: "app.py", line: 8, function: "stock")],
            evidenceKind: .measured, evidence: ["pool_size": .int(40)])
        let proposed = try propose(["app.py": app], patterns: [exhaustion])
        let bulkhead = try #require(proposed.output.proposals.proposals.first { $0.recipe == "bulkhead" })
        let after = try proposed.applied(bulkhead, "app.py")
        #expect(after.contains("_REQUESTS_BULKHEAD = threading.BoundedSemaphore(20)\n"))
        #expect(after.contains("""
                if not _REQUESTS_BULKHEAD.acquire(timeout=1.0):  # chaos-test fix: at most 20 requests calls in flight
                    raise requests.ConnectionError("too many concurrent requests calls; try again")
                try:
                    resp = requests.get("http://127.0.0.1:9/stock", timeout=2)
                finally:
                    _REQUESTS_BULKHEAD.release()
            """))
    }

    @Test func sqlalchemyEnginesArePrePinged() throws {
        let db = """
            from sqlalchemy import create_engine, text

            engine = create_engine(
                "postgresql://app@127.0.0.1/app",
                pool_size=5,
            )


            def count():
                with engine.connect() as connection:
                    return connection.execute(text("select 1")).scalar()

            """
        let proposed = try propose(
            ["db.py": db],
            patterns: [pattern(.unhandledDependencyError, "db.py", 11, evidence: ["library": .string("sqlalchemy")])])
        let pool = try #require(proposed.output.proposals.proposals.first { $0.recipe == "sqlalchemy-pool" })
        #expect(pool.line == 3)
        let after = try proposed.applied(pool, "db.py")
        #expect(after.contains("    pool_size=5,\n    pool_pre_ping=True,\n    pool_timeout=5,\n)"))
    }
}

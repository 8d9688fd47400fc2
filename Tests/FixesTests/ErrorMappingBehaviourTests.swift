import Foundation
import Testing
import TestSupport

/// The 503 handlers the golden patches write, run in the sample's own Flask: a transient failure
/// answers 503 (504 on a timeout) with the traceback logged, an upstream 4xx keeps its status,
/// an upstream Retry-After is kept, and a bug (no such table, a URL with no scheme) stays a 500.
@Suite(.serialized) struct ErrorMappingBehaviourTests {
    /// Applies one golden patch to a copy of flask-inventory and answers each `kind` of error
    /// with the patched app; prints `kind status retry-after logged` per line.
    func answers(patch: String, script: String) throws -> [String: String] {
        let (app, _) = try SampleFixtures.copy("flask-inventory")
        _ = try TestSupport.run("/usr/bin/git", ["-C", app.path, "init", "-q"])
        let patchPath = SampleFixtures.repository + "/Patches/flask-inventory/fixes/" + patch
        let applied = try TestSupport.run("/usr/bin/git", ["-C", app.path, "apply", patchPath])
        try #require(applied.0 == 0, "git apply \(patch): \(applied.1)")
        let driver = #"""
            import io, logging, sqlite3, sys
            import requests
            from inventory import create_app

            app = create_app({"DATABASE_PATH": ":memory:"})
            log = io.StringIO()
            app.logger.addHandler(logging.StreamHandler(log))

            def answer(status, headers=None):
                response = requests.Response()
                response.status_code = status
                response.headers.update(headers or {})
                return requests.HTTPError(response=response)

            ERRORS = {
            """# + script + #"""
            }

            @app.route("/boom/<kind>")
            def boom(kind):
                raise ERRORS[kind]

            client = app.test_client()
            for kind in ERRORS:
                before = len(log.getvalue())
                response = client.get("/boom/" + kind)
                logged = "Traceback" in log.getvalue()[before:]
                print(kind, response.status_code, response.headers.get("Retry-After", "-"), logged)
            """#
        try app.write("driver.py", Array(driver.utf8))
        let (status, output) = try TestSupport.run(SampleFixtures.python("flask-inventory"), ["-B", "driver.py"], in: app.path)
        try #require(status == 0, "driver failed: \(output)")
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            if words.count == 2 { result[words[0]] = words[1] }
        }
        return result
    }

    @Test func sqliteLockedIs503AndAnyOtherOperationalErrorStaysA500() throws {
        let patch = try #require(
            try FileManager.default.contentsOfDirectory(atPath: SampleFixtures.repository + "/Patches/flask-inventory/fixes")
                .first { $0.hasSuffix("map-dependency-error.patch") && String(decoding: FileManager.default.contents(atPath: SampleFixtures.repository + "/Patches/flask-inventory/fixes/" + $0)!, as: UTF8.self).contains("sqlite3_unavailable") })
        let got = try answers(
            patch: patch,
            script: #"""
                "locked": sqlite3.OperationalError("database is locked"),
                "table": sqlite3.OperationalError("no such table: items"),
                """#)
        #expect(got["locked"] == "503 5 True")
        // Re-raised: Flask answers 500 and logs it itself (through app.logger too).
        #expect(got["table"]?.hasPrefix("500 - ") == true, "\(got)")
    }

    @Test func requestsErrorsKeepTheUpstreamsTruth() throws {
        let patch = try #require(
            try FileManager.default.contentsOfDirectory(atPath: SampleFixtures.repository + "/Patches/flask-inventory/fixes")
                .first { $0.hasSuffix("map-dependency-error.patch") && String(decoding: FileManager.default.contents(atPath: SampleFixtures.repository + "/Patches/flask-inventory/fixes/" + $0)!, as: UTF8.self).contains("requests_unavailable") })
        let got = try answers(
            patch: patch,
            script: #"""
                "refused": answer(404),
                "throttled": answer(429, {"Retry-After": "7"}),
                "down": answer(503, {"Retry-After": "9"}),
                "broken": answer(500),
                "timeout": requests.Timeout("read timed out"),
                "unreachable": requests.ConnectionError("connection refused"),
                "noscheme": requests.exceptions.MissingSchema("Invalid URL 'x': No scheme supplied"),
                """#)
        #expect(got["refused"] == "404 - True")
        #expect(got["throttled"] == "503 7 True")
        #expect(got["down"] == "503 9 True")
        #expect(got["broken"] == "503 - True")
        #expect(got["timeout"] == "504 - True")
        #expect(got["unreachable"] == "503 5 True")
        // Not a transient error: the handler does not catch it, it stays a 500.
        #expect(got["noscheme"]?.hasPrefix("500 -") == true, "\(got)")
    }
}

import Analysis
import Artifacts
import Foundation
import Testing

/// Tracebacks CPython 3.11.7 printed for a small app with one chaos hook injected; re-record with
/// `python3 Fixtures/TracebackParsing/make-log.py`.
@Suite struct TracebackTests {
    static let appRoot = "/tmp/chaos-fixture-app"
    static let point = "dependency:app/handlers.py:call_supplier:requests.get:0"

    static func log() throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: "app", withExtension: "log", subdirectory: "Fixtures/TracebackParsing"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The injected handlers.py: line 2 is the runtime's import, line 24 the hook before original line 23.
    static func run() throws -> FixtureRun {
        var run = FixtureRun()
        run.appRoot = appRoot
        run.addRoute("POST", "/restock", function: "restock", file: "app/handlers.py", line: 8, isAsync: false)
        run.addDependency(
            .http, library: "requests", callee: "requests.get", file: "app/handlers.py", line: 23,
            function: "call_supplier", routes: [], point: point, awaited: false)
        run.points[0].insertedLines = [24]
        run.files = [
            ChaosConfig.File(
                path: "app/handlers.py", sha256Before: "a", sha256After: "b", mode: "0644",
                patch: "patches/001-app-handlers.py.patch", patchSha256: "c", insertedLines: [2, 24])
        ]
        run.logs["app.log"] = try log()
        return run
    }

    @Test func parsesChainsGroupsAndRecursion() throws {
        let reports = TracebackParser.parse(try Self.log())
        #expect(reports.count == 6)
        // `raise ... from error`: the cause first, then the exception that propagated.
        #expect(reports[0].blocks.map(\.exception) == ["KeyError", "RuntimeError"])
        #expect(reports[0].blocks[1].message == "no stock figure for {}")
        #expect(reports[0].blocks[0].frames.map(\.line) == [11, 6])
        // "During handling of the above exception".
        #expect(reports[1].blocks.map(\.exception) == ["KeyError", "NameError"])
        #expect(reports[1].blocks[1].frames.last == .init(file: "/tmp/chaos-fixture-app/app/handlers.py", line: 20, function: "confirm"))
        // Through the chaos runtime.
        #expect(reports[2].blocks.map(\.exception) == ["ConnectionError"])
        #expect(reports[2].blocks[0].frames.map(\.function) == ["serve", "call_supplier", "hook"])
        // Frames in the standard library after the app's.
        #expect(reports[3].blocks[0].exception == "json.decoder.JSONDecodeError")
        #expect(reports[3].blocks[0].message == "Expecting value: line 1 column 1 (char 0)")
        #expect(reports[3].blocks[0].frames.count == 5)
        // An exception group: the cause, the group, and its sub-exception.
        #expect(reports[4].blocks.map(\.exception) == ["KeyError", "ExceptionGroup", "KeyError"])
        #expect(reports[4].blocks[2].frames.map(\.line) == [12, 6])
        // `[Previous line repeated 995 more times]` is not a frame.
        #expect(reports[5].blocks[0].exception == "RecursionError")
        #expect(reports[5].blocks[0].frames.count == 4)
    }

    @Test func findsTheMiddlewareRequestLines() throws {
        let failures = TracebackParser.requestFailures(in: try Self.log())
        #expect(failures.count == 1)
        #expect(failures.first?.requestId == "r-17")
        #expect(failures.first?.exception.hasPrefix("ConnectionError(") == true)
    }

    @Test func groupsByDeepestAppFrameOnTheOriginalLine() throws {
        let groups = try Self.run().analyze().tracebacks
        func group(_ exception: String) -> TracebackGroup? { groups.first { $0.exception == exception } }
        // Injected line 13 is original 12 (line 2 was inserted above it).
        #expect(group("RuntimeError").map { [$0.file, "\($0.line)", $0.function] } == ["app/handlers.py", "12", "restock"])
        #expect(group("NameError")?.line == 19)
        // The hook's line maps to the call it guards; the runtime's own frame is skipped.
        let injected = try #require(group("ConnectionError"))
        #expect(injected.line == 23)
        #expect(injected.function == "call_supplier")
        #expect(injected.requestIds == ["r-17"])
        // The deepest frame inside the app, not the standard library's json module.
        #expect(group("json.decoder.JSONDecodeError")?.line == 5)
        // The plain KeyError and the one inside the exception group share their frame.
        #expect(group("KeyError")?.count == 1)
        #expect(group("KeyError")?.line == 5)
        #expect(group("RecursionError")?.line == 27)
        #expect(groups.count == 6)
    }

    @Test func recognizesAppFilesWithoutTheRoot() throws {
        var run = try Self.run()
        // A run.json that names another root (the app was analyzed after being moved).
        run.appRoot = "/elsewhere"
        let groups = try run.analyze().tracebacks
        #expect(groups.first { $0.exception == "RuntimeError" }?.file == "app/handlers.py")
        #expect(groups.first { $0.exception == "RuntimeError" }?.line == 12)
    }

    @Test func mapsInjectedLinesBackToTheOriginal() {
        let file = ChaosConfig.File(
            path: "app/handlers.py", sha256Before: "a", sha256After: "b", mode: "0644", patch: "p", patchSha256: "c",
            insertedLines: [2, 24])
        #expect(file.originalLine(ofInjected: 1) == 1)
        #expect(file.originalLine(ofInjected: 2) == nil)
        #expect(file.originalLine(ofInjected: 3) == 2)
        #expect(file.originalLine(ofInjected: 23) == 22)
        #expect(file.originalLine(ofInjected: 25) == 23)
        #expect(file.originalLine(ofInjected: 29) == 27)
    }
}

/// What uvicorn 0.54 printed for FastAPI 0.165 handlers that raised (async, through httpx, and
/// sync, in the thread pool); re-record with `Fixtures/UvicornLog/make-log.sh <python>`.
@Suite struct UvicornLogTests {
    @Test func findsTheAppFramesUnderTheFrameworks() throws {
        let url = try #require(
            Bundle.module.url(forResource: "uvicorn", withExtension: "log", subdirectory: "Fixtures/UvicornLog"))
        var run = FixtureRun()
        run.appRoot = "/tmp/chaos-uvicorn-app"
        run.logs["app.log"] = try String(contentsOf: url, encoding: .utf8)
        let groups = try run.analyze().tracebacks
        #expect(groups.count == 2)
        // httpcore's error is the cause; httpx's, raised through the app's await, is reported.
        let connect = try #require(groups.first { $0.exception == "httpx.ConnectError" })
        #expect([connect.file, "\(connect.line)", connect.function] == ["app/main.py", "9", "get_price"])
        #expect(connect.message == "All connection attempts failed")
        let missing = try #require(groups.first { $0.exception == "KeyError" })
        #expect([missing.file, "\(missing.line)", missing.function] == ["app/main.py", "23", "get_item"])
        #expect(missing.message == "2")
    }
}

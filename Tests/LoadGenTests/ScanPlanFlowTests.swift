import Artifacts
import Foundation
import Testing

@testable import LoadGen

/// Scan plans reach routes with path parameters by chaining them to the page that links to
/// them, and `search:` finds the id in that page's answer, HTML or JSON.
@Suite struct ScanPlanFlowTests {
    func route(_ methods: [String], _ path: String) -> Route {
        Route(
            app: "app:app", methods: methods, path: path, rawPath: path, function: "f", qualname: "f", file: "app.py",
            line: 3, isAsync: false, framework: .flask)
    }

    @Test func aParameterRouteIsReachedThroughThePageAboveIt() {
        let scan = ScanResult(routes: [
            route(["GET"], "/"), route(["GET"], "/projects"), route(["GET"], "/projects/{project_id}"),
            route(["GET"], "/projects/{project_id}/tasks/{task_id}"), route(["GET"], "/users/{name}"),
            route(["POST"], "/projects/{project_id}"),
        ])
        let plan = ScanPlanSynthesizer.plan(from: scan, source: "scan.json")
        #expect(plan.requests.map(\.endpoint) == ["GET /", "GET /projects"])
        let flows = Dictionary(uniqueKeysWithValues: plan.flows.map { ($0.steps[1].endpoint, $0.steps[0]) })
        #expect(flows["GET /projects/{project_id}"]?.path == "/projects")
        #expect(flows["GET /projects/{project_id}"]?.extract == ["project_id": "search:/projects/{project_id}"])
        // Two parameters: both searched in one link of the page above the first one.
        #expect(flows["GET /projects/{project_id}/tasks/{task_id}"]?.path == "/projects")
        #expect(flows["GET /projects/{project_id}/tasks/{task_id}"]?.extract.keys.sorted() == ["project_id", "task_id"])
        // No /users page: the root page is where a link to a user would be.
        #expect(flows["GET /users/{name}"]?.path == "/")
        // A write is never guessed.
        #expect(plan.unsynthesized.contains { $0.hasPrefix("POST /projects/{project_id}") })
    }

    @Test func searchFindsLinksInHTMLAndMembersInJSON() {
        let html = Array(#"<a href="/projects/{project_id}">x</a> <a href="/projects/7f3a/tasks/12?x=1">t</a> <a href="/projects/42">p</a>"#.utf8)
        #expect(PlanRequest.searchValue(html, template: "/projects/{project_id}", variable: "project_id") == .string("42"))
        #expect(PlanRequest.searchValue(html, template: "/projects/{project_id}/tasks/{task_id}", variable: "task_id") == .string("12"))
        #expect(PlanRequest.searchValue(html, template: "/projects/{project_id}/tasks/{task_id}", variable: "project_id") == .string("7f3a"))
        let json = Array(#"{"count": 2, "results": [{"name": "a", "id": 17}, {"id": 18}]}"#.utf8)
        #expect(PlanRequest.searchValue(json, template: "/items/{item_id}", variable: "item_id") == .int(17))
        let keyed = Array(#"[{"item_id": "abc", "id": 3}]"#.utf8)
        #expect(PlanRequest.searchValue(keyed, template: "/items/{item_id}", variable: "item_id") == .string("abc"))
        #expect(PlanRequest.searchValue(Array("nothing here".utf8), template: "/items/{id}", variable: "id") == nil)
    }

    @Test func planFilesAcceptSearch() throws {
        let plan = try PlanParser.parse(
            "flows:\n  - name: f\n    steps:\n      - {method: GET, path: /p, extract: {id: \"search:/p/{id}\"}}\n      - {method: GET, path: \"/p/{id}\"}\n",
            file: "plan.yaml")
        #expect(plan.flows[0].steps[0].extract == ["id": "search:/p/{id}"])
        #expect(throws: PlanError.self) {
            try PlanParser.parse(
                "flows:\n  - name: f\n    steps:\n      - {method: GET, path: /p, extract: {id: \"search:/p/{other}\"}}\n",
                file: "plan.yaml")
        }
    }
}

/// A document a mounted sub-app serves names its mount in `servers`; the requests carry it.
@Suite struct OpenAPIServersTests {
    @Test func aRelativeServerURLPrefixesEveryRequest() throws {
        let document = try JSONValue.parse(Data(#"""
            {"openapi": "3.1.0", "servers": [{"url": "/api"}],
             "paths": {"/health": {"get": {}}, "/flows/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]}}}}
            """#.utf8))
        var synthesizer = OpenAPIPlanSynthesizer(document: document, source: "openapi", seed: 1)
        let plan = try synthesizer.plan()
        #expect(plan.requests.map(\.endpoint).sorted() == ["GET /api/flows/{id}", "GET /api/health"])
        let root = try JSONValue.parse(Data(#"{"openapi": "3.1.0", "servers": [{"url": "/"}], "paths": {"/health": {"get": {}}}}"#.utf8))
        var plain = OpenAPIPlanSynthesizer(document: root, source: "openapi", seed: 1)
        #expect(try plain.plan().requests.map(\.endpoint) == ["GET /health"])
    }
}

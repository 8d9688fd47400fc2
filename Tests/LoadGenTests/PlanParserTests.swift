import Artifacts
import Foundation
import Testing

@testable import LoadGen

struct PlanParserTests {
    @Test func readsRequestsFlowsAndParams() throws {
        let plan = try PlanParser.parse(
            """
            headers: {Accept: application/json}
            params: {city: [Paris, Lima], n: 3}
            requests:
              - {name: search, method: post, path: /api/search, json: {to: "{city}", n: "{n}", quoted: "7", flag: true}, weight: 5}
              - {method: GET, path: "/items/{city}?page=1"}
            flows:
              - name: book
                weight: 2
                steps:
                  - {method: POST, path: /api/search, json: {}, extract: {it: /results/0/id}}
                  - {method: DELETE, path: "/api/bookings/{it}"}
            """, file: "plan.yaml")
        #expect(plan.headers == ["Accept": "application/json"])
        #expect(plan.params["city"] == [.string("Paris"), .string("Lima")])
        #expect(plan.params["n"] == [.int(3)])
        #expect(plan.requests[0].method == "POST")
        #expect(plan.requests[0].weight == 5)
        #expect(plan.requests[0].json == .object(["to": .string("{city}"), "n": .string("{n}"), "quoted": .string("7"), "flag": .bool(true)]))
        #expect(plan.requests[1].name == "GET /items/{city}?page=1")
        #expect(plan.requests[1].endpoint == "GET /items/{city}")
        #expect(plan.flows[0].steps[0].extract == ["it": "/results/0/id"])
        #expect(plan.flows[0].steps[1].endpoint == "DELETE /api/bookings/{it}")
        #expect(plan.endpoints == ["POST /api/search", "GET /items/{city}", "DELETE /api/bookings/{it}"])
    }

    @Test func readsJSONPlansWithLineNumbersInErrors() throws {
        let plan = try PlanParser.parse(#"{"requests": [{"method": "GET", "path": "/x", "json": {"a": [1, 2.5, null]}}]}"#, file: "p.json")
        #expect(plan.requests[0].json == .object(["a": .array([.int(1), .double(2.5), .null])]))
        let error = #expect(throws: PlanError.self) {
            try PlanParser.parse("{\n  \"requests\": [\n    {\"method\": \"FETCH\", \"path\": \"/x\"}\n  ]\n}", file: "p.json")
        }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("p.json:3:") == true)
    }

    /// Each bad plan names the file, the line, the key and what to do.
    @Test(arguments: [
        ("requests:\n  - {method: FETCH, path: /x}\n", 2, "requests[0].method", "'FETCH' is not an HTTP method"),
        ("requests:\n  - {method: GET}\n", 2, "requests[0].path", "is missing"),
        ("requests:\n  - {method: GET, path: x}\n", 2, "requests[0].path", "must start with '/'"),
        ("requests:\n  - {method: GET, path: /x, wieght: 2}\n", 2, "requests[0].wieght", "is not a known key"),
        ("requests:\n  - {method: GET, path: /x, weight: 0}\n", 2, "requests[0].weight", "whole number above 0"),
        ("requests:\n  - {method: GET, path: \"/x/{id}\"}\n", 2, "requests[0].path", "uses {id}"),
        ("requests:\n  - {method: GET, path: /x, extract: {a: /b}}\n", 2, "requests[0].extract", "only allowed in flow steps"),
        ("requests: {method: GET}\n", 1, "requests", "must be a list"),
        ("request:\n  - {method: GET, path: /x}\n", 1, "request", "is not a known key"),
        ("params: {a: []}\nrequests:\n  - {method: GET, path: /x}\n", 1, "params.a", "empty list"),
        ("flows:\n  - name: f\n    steps:\n      - {method: GET, path: /a, extract: {id: results}}\n", 4, "flows[0].steps[0].extract.id", "not a JSON pointer"),
        ("flows:\n  - name: f\n    steps:\n      - {method: GET, path: \"/a/{id}\"}\n      - {method: GET, path: /b, extract: {id: /id}}\n", 4, "flows[0].steps[0].path", "uses {id}"),
        ("flows:\n  - steps: []\n", 2, "flows[0].name", "is missing"),
        ("headers: {X: [1]}\nrequests:\n  - {method: GET, path: /x}\n", 1, "headers.X", "must be a string"),
        ("requests:\n  - {method: GET, path: /x\n", 3, "", "not valid YAML or JSON"),
        ("name: empty\n", 1, "", "no `requests:`"),
    ])
    func badPlansGetClearErrors(text: String, line: Int, key: String, message: String) {
        let error = #expect(throws: PlanError.self) { try PlanParser.parse(text, file: "bad-plan.yaml") }
        #expect(error?.file == "bad-plan.yaml")
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.key == key, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("bad-plan.yaml:\(line):") == true)
    }

    @Test func oversizedBodiesAreRefused() {
        let big = String(repeating: "x", count: PlanParser.maxBodyBytes + 10)
        let error = #expect(throws: PlanError.self) {
            try PlanParser.parse("requests:\n  - method: POST\n    path: /x\n    json: {blob: \(big)}\n", file: "big.yaml")
        }
        #expect(error?.key == "requests[0].json")
        #expect(error?.message.contains("capped") == true)
    }

    @Test func missingFileIsNamed() {
        let error = #expect(throws: PlanError.self) { try PlanParser.load(path: "/nonexistent/plan.yaml") }
        #expect(error?.description.contains("/nonexistent/plan.yaml") == true)
    }

    @Test func placeholdersFillPathsAndKeepTypesInBodies() {
        let values: [String: JSONValue] = ["id": .int(42), "name": .string("a b/c")]
        #expect(PlanTemplate.fill("/x/{id}/{name}?q={missing}", encode: true) { values[$0] } == "/x/42/a%20b%2Fc?q={missing}")
        let body = PlanTemplate.fill(.object(["id": .string("{id}"), "label": .string("n={id}")])) { values[$0] }
        #expect(body == .object(["id": .int(42), "label": .string("n=42")]))
    }

    @Test func orbitalSamplePlanIsValid() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/orbital-travel-planner/load-plan.yaml")
        let plan = try PlanParser.load(path: file.path)
        #expect(plan.requests.map(\.endpoint) == ["POST /api/search", "POST /api/bookings"])
        #expect(plan.requests.map(\.weight) == [50, 50])
        #expect(plan.flows.first?.steps.map(\.endpoint) == [
            "POST /api/search", "POST /api/bookings", "POST /api/bookings/{booking_id}/confirm",
            "DELETE /api/bookings/{booking_id}",
        ])
    }
}

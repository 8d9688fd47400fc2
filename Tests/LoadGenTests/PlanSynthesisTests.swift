import Artifacts
import Foundation
import Testing

@testable import LoadGen

struct PlanSynthesisTests {
    func shopDocument() throws -> JSONValue {
        let url = Bundle.module.url(forResource: "Resources/openapi/shop.json", withExtension: nil)!
        return try JSONValue.parse(Data(contentsOf: url))
    }

    @Test func openAPIOperationsBecomeValidRequests() throws {
        var synthesizer = OpenAPIPlanSynthesizer(document: try shopDocument(), source: "shop.json", seed: 3)
        let plan = try synthesizer.plan()
        #expect(Set(plan.endpoints) == [
            "GET /healthz", "POST /api/orders", "GET /api/orders/{order_id}", "DELETE /api/orders/{order_id}",
        ])
        // Not guessed: a multipart body and a pattern with no example are listed instead.
        #expect(plan.unsynthesized.count == 2)
        #expect(plan.unsynthesized.contains { $0.hasPrefix("POST /api/upload") && $0.contains("not application/json") })
        #expect(plan.unsynthesized.contains { $0.hasPrefix("POST /api/codes") && $0.contains("pattern") })

        let orders = plan.requests.filter { $0.endpoint == "POST /api/orders" }
        #expect(!orders.isEmpty && orders.count <= 3)
        for order in orders {
            guard case .object(let body)? = order.json else {
                Issue.record("order body is not an object")
                continue
            }
            #expect(body["sku"] == .string("SKU-1"))  // examples first
            #expect(body["gift"] == .bool(false))  // then defaults
            #expect(body["coupon"] == .null)
            #expect(body["note"] == nil)  // optional without hints is left out
            #expect([JSONValue.string("low"), .string("high")].contains(body["priority"]!))  // enums
            #expect([JSONValue.int(1), .int(5), .int(9)].contains(body["quantity"]!))  // min, middle, max
            #expect(body["ship_on"] == .string("2030-01-15") || body["ship_on"] == .string("2030-06-01"))
            #expect(body["email"]?.interpolationText.contains("@") == true)
            guard case .array(let lines)? = body["lines"] else {
                Issue.record("lines is not an array")
                continue
            }
            #expect(lines.count == 2)  // minItems
            for line in lines {
                guard case .double(let qty)? = line.value(atPointer: "/qty") else {
                    Issue.record("qty is not a number")
                    continue
                }
                #expect(qty > 0 && qty <= 3.5)
            }
        }
        let cancel = try #require(plan.requests.first { $0.endpoint == "DELETE /api/orders/{order_id}" })
        #expect(cancel.path == "/api/orders/{order_id}?reason={reason}")
        #expect(cancel.params["order_id"] == [.int(1), .int(250), .int(500)])
        #expect(cancel.params["reason"] == [.string("late"), .string("wrong")])
    }

    @Test func sameSeedSamePlan() throws {
        var first = OpenAPIPlanSynthesizer(document: try shopDocument(), source: "s", seed: 11)
        var second = OpenAPIPlanSynthesizer(document: try shopDocument(), source: "s", seed: 11)
        #expect(try first.plan() == second.plan())
    }

    @Test func openAPIPlanRunsAgainstTheServerThatServesIt() async throws {
        let directory = try temporaryDirectory()
        let document = Bundle.module.url(forResource: "Resources/openapi/shop.json", withExtension: nil)!
        let log = directory.appendingPathComponent("server.log")
        let server = try TestServer(mode: "json", arguments: ["--openapi", document.path, "--log", log.path])
        defer { server.stop() }
        let plan = try await PlanResolver.resolve(
            .automatic(appDirectory: nil), target: server.url, timeoutSeconds: 5, seed: 1, allowRemote: false)
        #expect(plan.source.hasPrefix("openapi:"))
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 4), requests: 80, directory: directory)
        #expect(results.records.count == 80)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains("DELETE /api/orders/") && ($0.hasSuffix("?reason=late") || $0.hasSuffix("?reason=wrong")) })
        #expect(!lines.contains { $0.contains("{") })  // every placeholder was filled
    }

    @Test func openAPIMissingIsAClearError() async throws {
        let server = try TestServer(mode: "misbehave")
        defer { server.stop() }
        // The misbehaving server answers 200 {"ok"...} only for known paths; /openapi.json gets JSON without paths.
        await #expect(throws: PlanError.self) {
            try await PlanResolver.resolve(.openAPI, target: server.url, timeoutSeconds: 2, seed: 1, allowRemote: false)
        }
    }

    @Test func scannedRoutesPlanOnlyWhatNeedsNoGuessing() {
        func route(_ methods: [String], _ path: String) -> Route {
            Route(
                app: "app.main:app", methods: methods, path: path, rawPath: path, function: "f", qualname: "f",
                file: "app/main.py", line: 10, isAsync: true, framework: .fastapi)
        }
        let scan = ScanResult(routes: [
            route(["GET"], "/healthz"), route(["GET"], "/items/{item_id}"), route(["POST"], "/items"),
            route(["GET", "HEAD"], "/about"), route(["GET"], "{?root_path}/status"), route(["GET"], "/a/{?mid}/b"),
        ])
        let plan = ScanPlanSynthesizer.plan(from: scan, source: "scan.json")
        // A leading run-time prefix (a root path from configuration) is planned at its default, empty.
        #expect(plan.requests.map(\.endpoint) == ["GET /about", "GET /healthz", "GET /status"])
        #expect(plan.unsynthesized.count == 3)
        #expect(plan.unsynthesized.contains { $0.hasPrefix("GET /items/{item_id} (app/main.py:10)") })
        // A run-time part in the middle is not guessed.
        #expect(plan.unsynthesized.contains { $0.hasPrefix("GET /a/{?mid}/b") && $0.contains("known only at run time") })
        #expect(plan.unsynthesized.contains { $0.hasPrefix("POST /items") && $0.contains("json:") })
    }
}

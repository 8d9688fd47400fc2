import Artifacts
import LoadGen
import Testing

@testable import Pipeline

/// prefect's root /openapi.json lists its API paths without the /api mount it serves them at;
/// the scan knows the mount, and the plan's paths get it.
@Suite struct OpenAPIMountTests {
    func route(_ path: String) -> Route {
        Route(
            app: "a:app", methods: ["GET"], path: path, rawPath: path, function: "f", qualname: "f", file: "a.py", line: 1,
            isAsync: true, framework: .fastapi)
    }

    @Test func aDocumentWithoutItsMountGetsTheScansMount() {
        let scan = ScanResult(routes: [route("/api/flows/"), route("/api/flows/{id}"), route("/api/health"), route("/docs")])
        let plan = LoadPlan(
            source: "openapi", requests: [PlanRequest(method: "GET", path: "/flows/"), PlanRequest(method: "GET", path: "/health")])
        #expect(RunPipeline.openAPICandidates(scan: scan) == ["/openapi.json", "/api/openapi.json"])
        #expect(RunPipeline.mountMissing(from: plan, scan: scan) == "/api")
        var prefixed = plan
        prefixed.prefixPaths("/api")
        #expect(prefixed.endpoints == ["GET /api/flows/", "GET /api/health"])
        // Paths that match the scan as written are left alone.
        let right = LoadPlan(source: "openapi", requests: [PlanRequest(method: "GET", path: "/api/flows/")])
        #expect(RunPipeline.mountMissing(from: right, scan: scan) == nil)
    }
}

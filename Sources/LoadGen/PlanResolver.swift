import Artifacts
import Foundation

/// Chooses the plan for a run: a plan file, the app's OpenAPI document, or the scanned routes.
public enum PlanResolver {
    public enum Source: Sendable {
        case file(String)
        /// `/openapi.json` from the target; an error if the app serves none.
        case openAPI
        /// The app's OpenAPI document if it serves one, else the scan of `appDirectory`.
        case automatic(appDirectory: String?)
    }

    public static func resolve(
        _ source: Source, target: URL, timeoutSeconds: Double, seed: UInt64, allowRemote: Bool
    ) async throws -> LoadPlan {
        switch source {
        case .file(let path):
            return try PlanParser.load(path: path)
        case .openAPI:
            guard let plan = try await openAPIPlan(target, timeoutSeconds, seed, allowRemote) else {
                throw LoadError.badArgument(
                    "--openapi: \(target.absoluteString)/openapi.json did not answer 200; "
                        + "check that the app is up and serves its OpenAPI document, or pass --plan.")
            }
            return plan
        case .automatic(let appDirectory):
            if let plan = try await openAPIPlan(target, timeoutSeconds, seed, allowRemote) { return plan }
            guard let appDirectory else {
                throw LoadError.badArgument(
                    "no plan: \(target.absoluteString) serves no /openapi.json. "
                        + "Pass --plan FILE, or --app-dir DIR holding the scan.json of `chaos-test scan --json`.")
            }
            return try scanPlan(appDirectory: appDirectory)
        }
    }

    private static func openAPIPlan(_ target: URL, _ timeout: Double, _ seed: UInt64, _ allowRemote: Bool)
        async throws -> LoadPlan?
    {
        guard
            let data = try await LoadRunner.fetchDocument(
                target: target, path: "/openapi.json", timeoutSeconds: timeout, allowRemote: allowRemote)
        else { return nil }
        let source = "openapi:\(target.absoluteString)/openapi.json"
        guard let document = try? JSONValue.parse(data) else {
            throw PlanError(file: source, key: "", message: "is not JSON; pass a plan with --plan instead.")
        }
        var synthesizer = OpenAPIPlanSynthesizer(document: document, source: source, seed: seed)
        return try synthesizer.plan()
    }

    /// Reads a scan of the app: `scan.json` in the folder, or the latest run's copy.
    public static func scanPlan(appDirectory: String) throws -> LoadPlan {
        let root = URL(fileURLWithPath: appDirectory)
        let candidates = [
            root.appendingPathComponent("scan.json"),
            root.appendingPathComponent(".chaos-test/runs/latest/scan.json"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw LoadError.badArgument(
                "--app-dir \(appDirectory): no scan.json there; run `chaos-test scan --json > \(appDirectory)/scan.json` first, or pass --plan.")
        }
        let scan: ScanResult
        do {
            scan = try ArtifactJSON.decode(ScanResult.self, from: Data(contentsOf: found))
        } catch {
            throw LoadError.badArgument("\(found.path) is not a scan.json this tool can read: \(error). Scan again.")
        }
        let plan = ScanPlanSynthesizer.plan(from: scan, source: "scan:\(found.path)")
        guard !plan.requests.isEmpty else {
            throw LoadError.badArgument(
                "\(found.path): no route can be loaded without guessing (only parameterless GETs can); "
                    + "write a plan file for these and pass --plan:\n  " + plan.unsynthesized.joined(separator: "\n  "))
        }
        return plan
    }
}

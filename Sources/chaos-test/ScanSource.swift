import Artifacts
import Foundation
import Injection
import Patching

/// Where inject gets its scan: a scan.json given with --scan.
enum ScanSource {
    static func load(root: AppRoot, scanFile: String?) throws(InjectionError) -> ScanResult {
        guard let scanFile else {
            throw InjectionError(.input, "pass --scan <scan.json> (from `chaos-test scan --json`)")
        }
        guard let data = FileManager.default.contents(atPath: scanFile) else {
            throw InjectionError(.input, "--scan \(scanFile): no such file")
        }
        do { return try ArtifactJSON.decode(ScanResult.self, from: data) } catch {
            throw InjectionError(.input, "--scan \(scanFile): not a valid scan.json (\(error))")
        }
    }
}

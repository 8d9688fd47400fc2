import Artifacts
import Discovery
import Foundation
import Injection
import Patching

/// Where inject gets its scan: the scanner run on the app folder, or a scan.json given with --scan.
enum ScanSource {
    static func load(root: AppRoot, scanFile: String?) throws(InjectionError) -> ScanResult {
        guard let scanFile else {
            do { return try Scanner.scan(ScanOptions(root: URL(fileURLWithPath: root.path))) } catch {
                throw InjectionError(.input, error.description)
            }
        }
        guard let data = FileManager.default.contents(atPath: scanFile) else {
            throw InjectionError(.input, "--scan \(scanFile): no such file")
        }
        do { return try ArtifactJSON.decode(ScanResult.self, from: data) } catch {
            throw InjectionError(.input, "--scan \(scanFile): not a valid scan.json (\(error))")
        }
    }
}

import Foundation
import TestSupport

/// The sample apps of this repository, copied to a temporary folder so tests never touch them.
enum Samples {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    struct Sample: Sendable {
        var name: String
        var app: String
        /// The service the app calls: its folder-relative module and the variable that points the app at it.
        var serviceCommand: [String]
        var serviceURLVariable: String
        var appCommand: [String]
        var framework: String
    }

    static let orbital = Sample(
        name: "orbital-travel-planner", app: "app.main:app",
        serviceCommand: ["-m", "uvicorn", "provider.main:app", "--host", "127.0.0.1", "--port"],
        serviceURLVariable: "PROVIDER_URL",
        appCommand: ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port"], framework: "fastapi")
    static let flask = Sample(
        name: "flask-inventory", app: "inventory:create_app()",
        serviceCommand: ["-m", "flask", "--app", "supplier.main", "run", "--host", "127.0.0.1", "--port"],
        serviceURLVariable: "SUPPLIER_URL",
        appCommand: ["-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port"], framework: "flask")

    static func folder(_ sample: Sample) -> String { repository + "/Samples/" + sample.name }

    static func python(_ sample: Sample) -> String { folder(sample) + "/.venv/bin/python" }

    static let skipped: Set<String> = [".venv", "data", "__pycache__", ".pytest_cache", ".chaos-test"]

    /// A copy of the sample's source (no venv, no data), and the original bytes of each file.
    static func copy(_ sample: Sample) throws -> (TemporaryDirectory, [String: [UInt8]]) {
        let dir = try TemporaryDirectory()
        var files: [String: [UInt8]] = [:]
        let source = folder(sample)
        let walker = FileManager.default.enumerator(atPath: source)!
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory {
                if skipped.contains(name) { walker.skipDescendants() }
                continue
            }
            guard type == .typeRegular, !name.hasSuffix(".pyc"), !name.hasSuffix(".coverage") else { continue }
            let bytes = [UInt8](FileManager.default.contents(atPath: source + "/" + relative)!)
            let mode =
                (try FileManager.default.attributesOfItem(atPath: source + "/" + relative)[.posixPermissions] as? Int)
                ?? 0o644
            try dir.write(relative, bytes, mode: mode)
            files[relative] = bytes
        }
        return (dir, files)
    }
}

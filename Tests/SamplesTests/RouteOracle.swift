import Foundation

/// Runs Tests/DiscoveryTests/Resources/route_oracle.py with a sample's venv python and
/// decodes the app's runtime route table it prints.
enum RouteOracle {
    struct Route: Decodable, Equatable, CustomStringConvertible {
        let methods: [String]
        let path: String
        let function: String
        let file: String
        let line: Int

        /// The endpoint key of CONTRACTS.md, one per method.
        var summary: String { "\(methods.joined(separator: ",")) \(path) \(function) \(file)" }
        var description: String { "\(summary):\(line)" }

        /// Nil when `line` of `file` under `root` is the handler's `def` / `async def` (or its
        /// `class`, for a class-based view), else what that line is instead.
        func defLineProblem(root: URL) -> String? {
            let source = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let lines = source?.components(separatedBy: "\n") ?? []
            let text = line >= 1 && line <= lines.count ? lines[line - 1] : ""
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let heads = ["def \(function)(", "async def \(function)(", "class \(function)(", "class \(function):"]
            if heads.contains(where: trimmed.hasPrefix) { return nil }
            return "\(file):\(line) is '\(text)', not the def of \(function)"
        }
    }

    static func routes(python: String, root: URL, app: String) throws -> [Route] {
        let scratch = try TemporaryDirectory(prefix: "route-oracle")
        defer { scratch.remove() }
        let errorFile = scratch.url.appendingPathComponent("stderr.txt")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw SetupError(message: "cannot create \(errorFile.path)")
        }
        let errors = try FileHandle(forWritingTo: errorFile)
        let output = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Repository.routeOracle.path, root.path, app]
        process.currentDirectoryURL = scratch.url
        process.environment = ProcessInfo.processInfo.environment.merging(["PYTHONDONTWRITEBYTECODE": "1"]) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errors.close()
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw SetupError(message: "route_oracle.py \(root.lastPathComponent) \(app) exited \(process.terminationStatus):\n\(message)")
        }
        return try JSONDecoder().decode([Route].self, from: data)
    }
}

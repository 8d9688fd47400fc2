import Artifacts

/// Turns a traceback frame of the injected app (an absolute path, a line of the injected file)
/// into a location in the user's ORIGINAL source, or nil for a frame outside the app.
struct SourceMapper {
    /// The file the chaos runtime is installed as; its frames are never the app's.
    static let runtimeFile = "chaos_test_runtime.py"

    private let appRoot: String?
    /// App-relative files the run knows, longest first, to recognize a path without the root.
    private let knownFiles: [String]
    private let injectedFiles: [String: ChaosConfig.File]
    /// File → line of the injected file → the point whose hook occupies it.
    private let hookLines: [String: [Int: ChaosConfig.Point]]

    init(appRoot: String?, config: ChaosConfig, scan: ScanResult) {
        if let appRoot, !appRoot.isEmpty {
            self.appRoot = appRoot.hasSuffix("/") ? String(appRoot.dropLast()) : appRoot
        } else {
            self.appRoot = nil
        }
        var files = Set(config.files.map(\.path))
        files.formUnion(config.points.map(\.file))
        files.formUnion(scan.routes.map(\.file))
        files.formUnion(scan.dependencies.map(\.file))
        files.formUnion(scan.apps.map(\.file))
        knownFiles = files.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        injectedFiles = Dictionary(config.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var hooks: [String: [Int: ChaosConfig.Point]] = [:]
        for point in config.points {
            for line in point.insertedLines { hooks[point.file, default: [:]][line] = point }
        }
        hookLines = hooks
    }

    /// The app-relative path of `path`, or nil when it is not the app's own code (the runtime,
    /// an installed package, the standard library, `<frozen ...>`).
    func appPath(_ path: String) -> String? {
        let normalized = path.replacingOccurrences(of: "\\", with: "/")
        if normalized.hasSuffix("/" + Self.runtimeFile) || normalized == Self.runtimeFile { return nil }
        if normalized.contains("/site-packages/") || normalized.contains("/dist-packages/") { return nil }
        if let appRoot, normalized.hasPrefix(appRoot + "/") {
            let relative = String(normalized.dropFirst(appRoot.count + 1))
            // A virtualenv inside the app folder holds other people's code.
            if relative.hasPrefix(".venv/") || relative.hasPrefix("venv/") || relative.hasPrefix(".chaos-test/") {
                return nil
            }
            return relative
        }
        // Without a root (or after the app was moved), a known file of the app matched by suffix;
        // never inside an interpreter's library, where `main.py` or `app.py` also exist.
        if normalized.contains("/lib/python") { return nil }
        return knownFiles.first { normalized == $0 || normalized.hasSuffix("/" + $0) }
    }

    /// The original line that line `injected` of `file` came from. A hook line maps to its point's
    /// line (the call or `def` it guards); a line inject added for anything else maps to nil.
    func originalLine(file: String, injected: Int) -> Int? {
        guard let injectedFile = injectedFiles[file] else { return injected }
        if let point = hookLines[file]?[injected] { return point.line }
        return injectedFile.originalLine(ofInjected: injected)
    }

    /// The point whose hook occupies this line of the injected file, if one does.
    func hookPoint(file: String, injected: Int) -> ChaosConfig.Point? { hookLines[file]?[injected] }

    /// The frame as a location in the original source, or nil when it is not the app's code.
    func location(of frame: ParsedTraceback.Frame) -> SourceLocation? {
        guard let file = appPath(frame.file), let line = originalLine(file: file, injected: frame.line) else {
            return nil
        }
        return SourceLocation(file: file, line: line, function: frame.function)
    }
}

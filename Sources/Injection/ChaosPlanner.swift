import Artifacts
import Foundation
import Patching

/// From a scan and the options to the exact bytes inject would write: the plan picks the app,
/// the routes and the dependency calls, names each point, rewrites each file, makes the patches,
/// chaos-config.json and settings.json, and compile-checks the result. It writes nothing.
public enum ChaosPlanner {
    /// Everything inject writes, in memory.
    public struct Plan: Sendable {
        public var config: ChaosConfig
        public var settings: ChaosSettings
        /// Patch file name (under `.chaos-test/patches/`) and bytes, in order.
        public var patches: [(name: String, bytes: [UInt8])]
        /// Source files and the runtime: path, before, after.
        public var files: [FileChange]
        public var diagnostics: [Diagnostic]
    }

    public static func plan(root: AppRoot, scan: ScanResult, options: InjectOptions) throws(InjectionError) -> Plan {
        let app = try selectApp(root: root, scan: scan, requested: options.app)
        var diagnostics: [Diagnostic] = []
        let routes = scan.routes.filter { route in
            route.app == app.id && (options.routes.map { fnmatch($0, route.path, 0) == 0 } ?? true)
        }
        if routes.isEmpty {
            throw InjectionError(
                .input,
                "no route of \(app.id) matches\(options.routes.map { " --routes '\($0)'" } ?? ""); run `chaos-test scan` to list the routes."
            )
        }
        let keys = Set(routes.flatMap(\.endpointKeys))
        // Calls reached from the chosen routes. Calls no route reaches (startup code such as
        // `init_db`) stay untouched: a fault there would stop the app from starting. A sleep
        // and a read of a file the app ships do not fail in production, so they get no fault.
        let dependencies = scan.dependencies.filter { dep in
            dep.kind != .sleep && dep.bundled != true && !keys.isDisjoint(with: dep.routes)
        }
        let wanted = Set(options.faults ?? FaultKind.defaultKinds)
        // Resource faults go on handler hooks only: at a dependency call, analysis would read
        // their delay as the dependency's own slowness.
        let handlerFaults = [FaultKind.latency, .exception, .status, .memory, .cpu].filter(wanted.contains)
        let dependencyFaults = [FaultKind.latency, .dependency].filter(wanted.contains)

        // Points, grouped by file. A function serving several routes gets one point.
        struct Pending {
            var id: String
            var kind: ChaosConfig.PointKind
            var routes: [String]
            var line: Int
            var column: Int
            var function: String
            var profile: ChaosConfig.FaultProfile
            var callee: String
        }
        var byFile: [String: [Pending]] = [:]
        if !handlerFaults.isEmpty {
            var seen: [String: Int] = [:]
            for route in routes.sorted(by: { ($0.file, $0.line) < ($1.file, $1.line) }) {
                let key = "\(route.file):\(route.line)"
                if let index = seen[key] {
                    byFile[route.file]![index].routes = Array(
                        Set(byFile[route.file]![index].routes + route.endpointKeys)
                    ).sorted()
                    continue
                }
                seen[key] = byFile[route.file, default: []].count
                byFile[route.file, default: []].append(
                    Pending(
                        id: PointID.make(
                            kind: .handler, file: route.file, qualname: route.qualname, callee: "entry", ordinal: 0),
                        kind: .handler, routes: route.endpointKeys.sorted(), line: route.line, column: 0,
                        function: route.qualname, profile: .init(faults: handlerFaults), callee: "entry"))
            }
        }
        if !dependencyFaults.isEmpty {
            var ordinals: [String: Int] = [:]
            for dep in dependencies.sorted(by: { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }) {
                let group = "\(dep.file)\u{0}\(dep.qualname)\u{0}\(dep.callee)"
                let ordinal = ordinals[group, default: 0]
                ordinals[group] = ordinal + 1
                byFile[dep.file, default: []].append(
                    Pending(
                        id: PointID.make(
                            kind: .dependency, file: dep.file, qualname: dep.qualname, callee: dep.callee,
                            ordinal: ordinal),
                        kind: .dependency, routes: dep.routes.filter(keys.contains).sorted(), line: dep.line,
                        column: dep.column,
                        function: dep.qualname,
                        profile: .init(faults: dependencyFaults, library: dep.library, callee: dep.callee),
                        callee: dep.callee))
            }
        }
        if byFile[app.file] == nil { byFile[app.file] = [] }

        // Rewrite each file.
        var points: [ChaosConfig.Point] = []
        var files: [FileChange] = []
        var insertedLines: [String: [Int]] = [:]
        let runtimePath = try runtimeLocation(app: app)
        for file in byFile.keys.sorted() {
            let full: String
            do { full = try root.resolve(file) } catch { throw InjectionError(.input, error.message) }
            guard let before = try read(full) else {
                throw InjectionError(.input, "\(file): listed by the scan but missing; run the scan again.")
            }
            var rewriter: FileRewriter
            do { rewriter = try FileRewriter(path: file, bytes: before) } catch {
                diagnostics.append(
                    Diagnostic(
                        severity: .warning, file: file, line: error.line, column: 0,
                        message: "\(error.message); no hooks were placed in this file"))
                continue
            }
            var placed: [Pending] = []
            if file == app.file {
                let name = String(app.id.split(separator: ":").last ?? "app").replacingOccurrences(of: "()", with: "")
                var target = name
                if app.factory {
                    target = factoryAppName(rewriter.layout, factoryLine: app.line) ?? "app"
                }
                _ = rewriter.addMiddleware(
                    appLine: app.line, name: target, framework: app.framework, factory: app.factory)
            }
            // A class-based view: one handler point per method that serves a route method.
            var pending: [Pending] = []
            for point in byFile[file] ?? [] {
                guard point.kind == .handler,
                    let view = rewriter.layout.definitions.first(where: { $0.isClass && $0.line == point.line })
                else {
                    pending.append(point)
                    continue
                }
                let verbs = point.routes.compactMap { $0.split(separator: " ").first?.lowercased() }
                let methods = rewriter.layout.definitions.filter { method in
                    !method.isClass && method.qualname.hasPrefix(view.qualname + ".")
                        && !method.qualname.dropFirst(view.qualname.count + 1).contains(".")
                        && (verbs.contains(method.name) || (verbs.contains("any") && httpVerbs.contains(method.name)))
                }
                if methods.isEmpty {
                    diagnostics.append(
                        Diagnostic(
                            severity: .warning, file: file, line: point.line, column: 0,
                            message: "the class-based view has no get/post/... method in this file; no handler hook"))
                }
                for method in methods {
                    var copy = point
                    copy.id = PointID.make(
                        kind: .handler, file: file, qualname: method.qualname, callee: "entry", ordinal: 0)
                    copy.line = method.line
                    copy.function = method.qualname
                    copy.routes = point.routes.filter {
                        $0.lowercased().hasPrefix(method.name + " ") || verbs.contains("any")
                    }
                    pending.append(copy)
                }
            }
            for (order, point) in pending.enumerated() {
                let short = PointID.short(point.id)
                let ok =
                    point.kind == .handler
                    ? rewriter.addEntryHook(defLine: point.line, marker: short, order: order)
                    : rewriter.addDependencyHook(
                        line: point.line, column: point.column, callee: point.callee, marker: short, order: order)
                if ok { placed.append(point) }
            }
            diagnostics += rewriter.diagnostics
            if rewriter.isEmpty { continue }
            let (after, occupied, inserted) = rewriter.render()
            insertedLines[file] = inserted
            files.append(FileChange(path: file, before: before, after: after, mode: FileIO.mode(full) ?? 0o644))
            for point in placed {
                let short = PointID.short(point.id)
                points.append(
                    ChaosConfig.Point(
                        id: point.id, short: short, kind: point.kind, routes: point.routes, file: file,
                        line: point.line,
                        function: point.function, fault: point.profile, patch: "", insertedLines: occupied[short] ?? [])
                )
            }
        }
        if points.isEmpty {
            throw InjectionError(
                .input, "no hook could be placed:\n" + diagnostics.map(\.description).joined(separator: "\n"))
        }
        // The runtime, as a new file at the app's import root.
        let runtimeFull: String
        do { runtimeFull = try root.resolve(runtimePath) } catch { throw InjectionError(.input, error.message) }
        if try read(runtimeFull) != nil {
            throw InjectionError(
                .input,
                "\(runtimePath) already exists but chaos-config.json does not: hooks from an earlier inject may be left. "
                    + "Run `chaos-test check` and remove them, then inject again.")
        }
        files.append(FileChange(path: runtimePath, before: nil, after: try Runtime.source(), mode: 0o644))
        files.sort { $0.path < $1.path }

        try CompileCheck.check(files.filter { $0.path.hasSuffix(".py") }, python: PythonLocator.python(for: root))

        // Patches and the config.
        var patches: [(String, [UInt8])] = []
        var configFiles: [ChaosConfig.File] = []
        for (number, change) in files.enumerated() {
            let name = "patches/" + String(format: "%03d-", number + 1) + slug(change.path) + ".patch"
            let bytes = FilePatch.make(path: change.path, old: change.before, new: change.after).render()
            patches.append((name, bytes))
            configFiles.append(
                ChaosConfig.File(
                    path: change.path, sha256Before: change.before.map(SHA256Digest.hex),
                    sha256After: SHA256Digest.hex(change.after ?? []), mode: String(format: "%04o", change.mode),
                    patch: name,
                    patchSha256: SHA256Digest.hex(bytes), insertedLines: insertedLines[change.path] ?? []))
            for index in points.indices where points[index].file == change.path { points[index].patch = name }
        }
        points.sort { ($0.file, $0.line, $0.kind.rawValue, $0.id) < ($1.file, $1.line, $1.kind.rawValue, $1.id) }
        let faults = (options.faults ?? FaultKind.defaultKinds).sorted()
        let config = ChaosConfig(
            app: app.id, seed: options.seed,
            defaults: .init(
                rate: options.rate, delayUs: [options.delayUs.lowerBound, options.delayUs.upperBound], faults: faults,
                status: options.status),
            points: points, files: configFiles)
        var pointSettings: [String: ChaosSettings.PointSettings] = [:]
        for point in points {
            pointSettings[point.id] = .init(
                short: point.short, kind: point.kind, faults: point.fault.faults, library: point.fault.library)
        }
        let settings = ChaosSettings(
            enabled: true, seed: options.seed, framework: app.framework.rawValue,
            default: .init(
                rate: options.rate, delayUs: config.defaults.delayUs, faults: faults, status: options.status,
                resources: faults.contains(.memory) || faults.contains(.cpu) ? options.resources : nil),
            points: pointSettings)
        return Plan(config: config, settings: settings, patches: patches, files: files, diagnostics: diagnostics)
    }

    // MARK: Helpers

    static let httpVerbs: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]

    static func selectApp(root: AppRoot, scan: ScanResult, requested: String?) throws(InjectionError) -> AppObject {
        let list = scan.apps.map { "  \($0.id) (\($0.framework.rawValue), \($0.file):\($0.line))" }.joined(
            separator: "\n")
        if let requested {
            let bare = requested.replacingOccurrences(of: "()", with: "")
            guard
                let app = scan.apps.first(where: {
                    $0.id == requested || $0.id.replacingOccurrences(of: "()", with: "") == bare
                })
            else {
                throw InjectionError(
                    .input, "--app \(requested): no such app in \(root.path). The scan found:\n\(list)")
            }
            return app
        }
        if scan.apps.count == 1 { return scan.apps[0] }
        if scan.apps.isEmpty {
            throw InjectionError(
                .input, "no FastAPI, Starlette or Flask app found in \(root.path); pass the folder that holds the app.")
        }
        if let yaml = try? String(contentsOfFile: root.path + "/chaos-test.yaml", encoding: .utf8) {
            for line in yaml.split(separator: "\n") where line.hasPrefix("app:") {
                var value = line.dropFirst(4).trimmingCharacters(in: " \"'")
                if let hash = value.firstIndex(of: "#") {
                    value = String(value[..<hash]).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                }
                if let app = scan.apps.first(where: {
                    $0.id == value
                        || $0.id.replacingOccurrences(of: "()", with: "")
                            == value.replacingOccurrences(of: "()", with: "")
                }) {
                    return app
                }
            }
        }
        throw InjectionError(
            .input, "\(root.path) has several apps; choose one with --app (or `app:` in chaos-test.yaml):\n\(list)")
    }

    /// The runtime goes to the folder the app's modules are imported from.
    static func runtimeLocation(app: AppObject) throws(InjectionError) -> String {
        let module = app.id.split(separator: ":").first.map(String.init) ?? ""
        var parts = app.file.split(separator: "/").map(String.init)
        let depth = module.split(separator: ".").count + (parts.last == "__init__.py" ? 1 : 0)
        guard depth <= parts.count else {
            throw InjectionError(
                .input,
                "\(app.file) does not match the module \(module) of \(app.id); cannot tell where the app's imports start."
            )
        }
        parts.removeLast(depth)
        return (parts + [Runtime.fileName]).joined(separator: "/")
    }

    /// In a factory, the name its app object is bound to: the `NAME = Flask(...)`-style assignment
    /// in its body, found as the name in the last top-level `return NAME`.
    static func factoryAppName(_ layout: SourceLayout, factoryLine: Int) -> String? {
        guard let index = layout.logicalLineIndex(containing: factoryLine),
            let function = layout.definitions.first(where: {
                !$0.isClass && ($0.header == index || $0.bodyLines.contains(index))
            })
        else { return nil }
        for i in function.bodyLines.reversed() {
            let t = layout.logicalLines[i].tokens
            if t.count == 2, layout.text(t.lowerBound) == "return", layout.tokens[t.lowerBound + 1].kind == .name {
                return layout.text(t.lowerBound + 1)
            }
        }
        return nil
    }

    static func slug(_ path: String) -> String {
        var base = path
        if base.hasSuffix(".py") { base.removeLast(3) }
        return String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "-" })
    }

    static func read(_ path: String) throws(InjectionError) -> [UInt8]? {
        do { return try FileIO.read(path) } catch { throw InjectionError(.environment, error.message) }
    }
}

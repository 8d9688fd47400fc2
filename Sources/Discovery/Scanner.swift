import Artifacts
import Foundation
import PythonSource

/// What to scan and how.
public struct ScanOptions: Sendable {
    public var root: URL
    /// Globs matched against paths relative to the root and against file names.
    public var excludes: [String]
    /// Files larger than this many bytes are skipped with a diagnostic.
    public var maxFileSize: Int

    public static let defaultMaxFileSize = 10 * 1024 * 1024

    public init(root: URL, excludes: [String] = [], maxFileSize: Int = ScanOptions.defaultMaxFileSize) {
        self.root = root
        self.excludes = excludes
        self.maxFileSize = maxFileSize
    }
}

/// Why a scan could not run at all.
public enum ScanError: Error, Sendable, CustomStringConvertible {
    case notADirectory(String)
    case noPythonFiles(String)

    public var description: String {
        switch self {
        case .notADirectory(let path):
            "\(path) is not a folder: pass the folder that holds the app's Python source"
        case .noPythonFiles(let path):
            "no Python files found in \(path) (virtualenvs, tests and caches are skipped): pass the folder that holds the app's source, or check --exclude"
        }
    }
}

/// The scan stage: reads every Python file of the app and finds its apps, routes and
/// dependency calls, and which routes reach which calls.
public enum Scanner {
    public static func scan(_ options: ScanOptions) throws(ScanError) -> ScanResult {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: options.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(options.root.path)
        }
        var walker = SourceWalker(root: options.root, excludes: options.excludes, maxFileSize: options.maxFileSize)
        let entries = walker.walk()
        var diagnostics = walker.diagnostics
        guard !entries.isEmpty || walker.oversizedFiles > 0 else { throw .noPythonFiles(options.root.path) }

        // Files are independent until their names are resolved: read and parse them on every core.
        let slots = ParseSlots(count: entries.count)
        let packagePrefix = ProjectIndex.packagePrefix(of: options.root)
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = entries[index]
            var found: [Diagnostic] = []
            var info: ModuleInfo?
            if let data = FileManager.default.contents(atPath: entry.url.path) {
                if let module = parse([UInt8](data), path: entry.relativePath, diagnostics: &found) {
                    let (name, isPackage) = ProjectIndex.moduleName(for: entry.relativePath)
                    info = ModuleInfo(name: name, isPackage: isPackage, path: entry.relativePath, module: module)
                }
            } else {
                found.append(Diagnostic(severity: .error, file: entry.relativePath, line: 0, column: 0, message: "cannot read this file; it was skipped"))
            }
            slots.store(index, module: info, diagnostics: found)
        }
        var project = ProjectIndex(packagePrefix: packagePrefix)
        for index in entries.indices {
            let (info, found) = slots.load(index)
            diagnostics += found
            if let info { project.add(info) }
        }
        return onLargeStack(project, diagnostics)
    }

    /// Resolution follows the user's bindings as deep as they go (within
    /// `Evaluator.maximumDepth`). The caller may be a Swift concurrency thread with a small
    /// stack, so the analysis runs on a thread of its own with room for that depth.
    static func onLargeStack(_ project: ProjectIndex, _ diagnostics: [Diagnostic]) -> ScanResult {
        let work = AnalysisWork(project: project, diagnostics: diagnostics)
        let thread = Thread { work.run() }
        thread.stackSize = 256 << 20
        thread.start()
        work.done.wait()
        return work.result!
    }

    /// The files a scan with these options reads, relative to the root, with their sizes.
    public static func pythonFiles(_ options: ScanOptions) -> [(path: String, size: Int)] {
        var walker = SourceWalker(root: options.root, excludes: options.excludes, maxFileSize: options.maxFileSize)
        return walker.walk().map { ($0.relativePath, $0.size) }
    }

    /// Scans sources given in memory (tests, and callers that already hold the files).
    public static func scan(files: [(path: String, contents: String)]) -> ScanResult {
        var diagnostics: [Diagnostic] = []
        var project = ProjectIndex()
        for file in files.sorted(by: { $0.path < $1.path }) {
            if let module = parse(Array(file.contents.utf8), path: file.path, diagnostics: &diagnostics) {
                let (name, isPackage) = ProjectIndex.moduleName(for: file.path)
                project.add(ModuleInfo(name: name, isPackage: isPackage, path: file.path, module: module))
            }
        }
        return onLargeStack(project, diagnostics)
    }

    static func parse(_ bytes: [UInt8], path: String, diagnostics: inout [Diagnostic]) -> PythonModule? {
        let source: SourceText
        do {
            source = try SourceText(decoding: bytes)
        } catch {
            diagnostics.append(Diagnostic(severity: .error, file: path, line: error.line, column: error.column, message: "\(error.message); the file was not scanned"))
            return nil
        }
        do {
            let module = try PythonModule(source: source)
            if let problem = module.syntaxProblems.first {
                diagnostics.append(
                    Diagnostic(
                        severity: .error, file: path, line: problem.line,
                        column: source.characterColumn(line: problem.line, byteColumn: problem.byteColumn) + 1,
                        message: "syntax error: \(problem.message); the file was not scanned"))
                return nil
            }
            return module
        } catch {
            diagnostics.append(
                Diagnostic(
                    severity: .error, file: path, line: error.line,
                    column: source.characterColumn(line: error.line, byteColumn: error.column) + 1,
                    message: "syntax error: \(error.message); the file was not scanned"))
            return nil
        }
    }

    static func analyze(_ project: ProjectIndex, diagnostics initial: [Diagnostic]) -> ScanResult {
        var diagnostics = initial
        let registry = FrameworkRegistry()
        let evaluator = Evaluator(project: project, registry: registry)
        var collector = RouteCollector(project: project, evaluator: evaluator)
        collector.collect()
        var composer = RouteComposer(collector: collector, registry: registry)
        composer.compose()
        var django = DjangoRoutes(project: project, evaluator: evaluator, collector: collector)
        django.collect()
        diagnostics += collector.diagnostics + django.diagnostics

        // Apps.
        var appIDs: [Int: AppObject] = [:]
        for (index, object) in registry.objects.enumerated() where composer.roots.contains(index) {
            if let app = appObject(object, project: project) { appIDs[index] = app }
        }
        var apps = Set(appIDs.values)
        if let djangoApp = django.app { apps.insert(djangoApp) }

        // Routes, each with the functions that start handling it.
        var routes: [Route] = []
        var roots: [(keys: [String], functions: [DefRef])] = []
        func handlerInfo(_ handler: Handler, methods: [String]) -> (DefRef, [(String, DefRef)]) {
            switch handler {
            case .function(let ref): return (ref, methods.map { ($0, ref) })
            case .classView(let classRef):
                let handlers = collector.classHandlers(classRef)
                return (classRef, methods.compactMap { method in handlers[method].map { (method, $0) } })
            case .viewSet(let classRef, let actions):
                return (classRef, methods.compactMap { method in actions[method].map { (method, $0) } })
            }
        }
        func addRoute(app: AppObject, methods: [String], path: String, rawPath: String, handler: Handler) {
            let (main, perMethod) = handlerInfo(handler, methods: methods)
            let definition = project.definition(main)
            let isAsync: Bool
            if case .function = handler {
                isAsync = definition.isAsync
            } else {
                isAsync = perMethod.contains { project.definition($0.1).isAsync }
            }
            let route = Route(
                app: app.id, methods: methods, path: path, rawPath: rawPath, function: definition.name,
                qualname: definition.qualname, file: project.modules[main.module].path, line: definition.line,
                isAsync: isAsync, framework: app.framework)
            routes.append(route)
            if case .function = handler {
                roots.append((route.endpointKeys, [main]))
            } else {
                for (method, ref) in perMethod { roots.append(([method + " " + path], [ref])) }
            }
        }
        for composed in composer.routes {
            guard let app = appIDs[composed.app] else { continue }
            let path = app.framework == .flask ? PathSyntax.normalizeAngles(composed.rawPath) : PathSyntax.normalizeBraces(composed.rawPath)
            addRoute(app: app, methods: composed.site.methods, path: path, rawPath: composed.rawPath, handler: composed.site.handler)
        }
        if let djangoApp = django.app {
            for found in django.routes {
                addRoute(app: djangoApp, methods: found.methods, path: found.path, rawPath: found.rawPath, handler: found.handler)
            }
        }
        // Routes registered on objects no app serves.
        for site in collector.sites where !composer.reached.contains(site.object) {
            let path = project.modules[site.module].path
            diagnostics.append(
                Diagnostic(
                    severity: .warning, file: path, line: site.line, column: 0,
                    message: "route \(site.rawPath) is registered on a router or blueprint that no app includes, so it is not served; include it or ignore this note"))
        }

        // Dependencies and the routes that reach them.
        var dependencies = DependencyCollector(project: project, evaluator: evaluator)
        dependencies.collect()
        let graph = CallGraph(project: project, evaluator: evaluator)
        var keysByFunction: [DefRef: Set<String>] = [:]
        var viaByFunction: [DefRef: [ReachedVia]] = [:]
        // Only functions that make a dependency call need to know which routes reach them:
        // recording every reached function for every route is quadratic on a large app.
        let callers = Set(dependencies.found.compactMap { found in found.scope.map { DefRef(module: found.module, definition: $0) } })
        for root in roots {
            for function in root.functions {
                let rootInfo = project.modules[function.module]
                for (reached, path) in graph.paths(from: function) where callers.contains(reached) {
                    keysByFunction[reached, default: []].formUnion(root.keys)
                    let line = path.via.map { rootInfo.module.calls[$0].line }
                    for key in root.keys {
                        viaByFunction[reached, default: []].append(
                            ReachedVia(route: key, file: rootInfo.path, line: line, offloaded: path.offloaded))
                    }
                }
            }
        }
        let calls = dependencies.found.map { found -> DependencyCall in
            var call = found.call
            if let scope = found.scope {
                let ref = DefRef(module: found.module, definition: scope)
                call.routes = (keysByFunction[ref] ?? []).sorted()
                call.reachedVia = (viaByFunction[ref] ?? []).map {
                    // A call in the handler itself is reached at its own line.
                    ReachedVia(route: $0.route, file: $0.line == nil ? call.file : $0.file, line: $0.line ?? call.line, offloaded: $0.offloaded)
                }.sorted { ($0.route, $0.file, $0.line ?? 0) < ($1.route, $1.file, $1.line ?? 0) }
            }
            return call
        }

        for (module, logicalLine) in evaluator.depthLimitHits {
            let code = project.modules[module].module
            let line = code.logicalLines.indices.contains(logicalLine) ? code.code[code.logicalLines[logicalLine].range.lowerBound].start.line : 1
            diagnostics.append(
                Diagnostic(
                    severity: .warning, file: project.modules[module].path, line: line, column: 0,
                    message: "names here refer to each other more than \(Evaluator.maximumDepth) levels deep; the scan stopped following them, so routes or calls built from them may be missing"))
        }
        var result = ScanResult(
            apps: apps.sorted { ($0.id, $0.file) < ($1.id, $1.file) },
            routes: Array(Set(routes)).sorted { ($0.path, $0.methods.joined(separator: ","), $0.app, $0.file, $0.line) < ($1.path, $1.methods.joined(separator: ","), $1.app, $1.file, $1.line) },
            dependencies: calls.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) },
            diagnostics: Array(Set(diagnostics)).sorted { ($0.file, $0.line, $0.column, $0.message) < ($1.file, $1.line, $1.column, $1.message) }
        )
        result.schema = ScanResult.schemaVersion
        return result
    }

    /// `module:name` for an app assigned at module level; `module:factory()` for one built in a function.
    static func appObject(_ object: FrameworkRegistry.Object, project: ProjectIndex) -> AppObject? {
        let info = project.modules[object.module]
        let call = info.module.calls[object.call]
        let end = call.close + 1
        for scoped in info.module.statements where scoped.scope == object.scope {
            guard case .assignment(let assignment) = scoped.statement, let value = assignment.value,
                value.lowerBound == call.calleeStart, value.upperBound == end, let target = assignment.targets.first(where: { !$0.utf8.contains(UInt8(ascii: ".")) })
            else { continue }
            if object.scope == nil {
                return AppObject(id: info.name + ":" + target, framework: object.kind.framework, file: info.path, line: assignment.line, factory: false)
            }
        }
        // Built inside a function: the outermost function is the factory.
        var scope = object.scope
        var outermost: Int?
        while let index = scope {
            if info.module.definitions[index].isFunction { outermost = index }
            scope = info.module.definitions[index].parent
        }
        if let outermost, info.module.definitions[outermost].parent == nil {
            return AppObject(
                id: info.name + ":" + info.module.definitions[outermost].name + "()", framework: object.kind.framework,
                file: info.path, line: info.module.definitions[outermost].line, factory: true)
        }
        // Built by a method of a module-level class (`GraphQLServer.create_asgi_app`): named
        // after both, so its routes are listed, though only the app can call the method.
        if let outermost, let owner = info.module.definitions[outermost].parent, info.module.definitions[owner].kind == .class,
            info.module.definitions[owner].parent == nil
        {
            let method = info.module.definitions[outermost]
            return AppObject(
                id: info.name + ":" + info.module.definitions[owner].name + "." + method.name + "()", framework: object.kind.framework,
                file: info.path, line: method.line, factory: true)
        }
        return nil
    }
}

/// One result slot per file for the parallel parse; each slot is written by exactly one
/// iteration and read after all of them finished, under a lock for the memory model's sake.
private final class ParseSlots: @unchecked Sendable {
    private var modules: [ModuleInfo?]
    private var diagnostics: [[Diagnostic]]
    private let lock = NSLock()

    init(count: Int) {
        modules = Array(repeating: nil, count: count)
        diagnostics = Array(repeating: [], count: count)
    }

    func store(_ index: Int, module: ModuleInfo?, diagnostics found: [Diagnostic]) {
        lock.lock()
        defer { lock.unlock() }
        modules[index] = module
        diagnostics[index] = found
    }

    func load(_ index: Int) -> (ModuleInfo?, [Diagnostic]) {
        lock.lock()
        defer { lock.unlock() }
        return (modules[index], diagnostics[index])
    }
}

/// The analysis handed to its own thread, and its result handed back once `done` is signalled.
private final class AnalysisWork: @unchecked Sendable {
    let project: ProjectIndex
    let diagnostics: [Diagnostic]
    let done = DispatchSemaphore(value: 0)
    var result: ScanResult?

    init(project: ProjectIndex, diagnostics: [Diagnostic]) {
        self.project = project
        self.diagnostics = diagnostics
    }

    func run() {
        result = Scanner.analyze(project, diagnostics: diagnostics)
        done.signal()
    }
}

import Artifacts
import PythonSource

/// A dependency call before the routes that reach it are known.
struct FoundDependency {
    var call: DependencyCall
    var module: Int
    /// The function holding the call (nil: module or class level).
    var scope: Int?
}

/// Finds the calls that leave the process: HTTP clients, databases, caches, sleeps,
/// subprocesses and file opens, resolved through imports and the objects they are made on;
/// calls through ORMs and task queues are read by `OrmCallResolver`.
struct DependencyCollector {
    let project: ProjectIndex
    let evaluator: Evaluator
    var found: [FoundDependency] = []

    mutating func collect() {
        // With redis or boto3 in the app, any method call may be a cache command or an AWS
        // request: resolve them all.
        let everyCall = project.modules.contains { $0.importsRedis || $0.watchedImports.contains("boto3") }
        let orm = OrmCallResolver(project: project, evaluator: evaluator)
        for moduleIndex in project.modules.indices {
            let info = project.modules[moduleIndex]
            let module = info.module
            for (callIndex, call) in module.calls.enumerated() {
                let catalogued = everyCall || Self.mayBeDependency(call, watched: info.watchedImports)
                let throughOrm: Bool = {
                    guard case .name(let last) = call.chain.last else { return false }
                    return OrmCallResolver.candidateNames.contains(last)
                }()
                if !catalogued && !throughOrm { continue }
                let scope = module.scope(ofCode: call.calleeStart)
                let value = evaluator.callee(module: moduleIndex, call: callIndex)
                var entry: Catalog.Entry?
                var origin: Origin?
                var methodName = ""
                switch value {
                case .external(let name):
                    let canonical = Catalog.canonical(name)
                    entry = Catalog.function(canonical)
                    methodName = String(canonical.split(separator: ".").last ?? "")
                case .boundMethod(.external(let type), let name, let receiver):
                    entry = Catalog.method(name, of: type)
                    origin = receiver
                    methodName = name
                default:
                    break
                }
                if entry == nil, throughOrm { entry = orm.entry(module: moduleIndex, call: callIndex) }
                guard let entry else { continue }
                let function = enclosingFunction(scope, in: module)
                let definition = function.map { module.definitions[$0] }
                var dependency = DependencyCall(
                    kind: entry.kind, library: entry.library, callee: call.callee, file: info.path, line: call.line,
                    column: module.source.characterColumn(line: call.line, byteColumn: call.byteColumn) + 1,
                    function: definition?.name ?? "<module>", qualname: definition?.qualname ?? "<module>",
                    isAsync: definition?.isAsync ?? false, routes: []
                )
                if entry.kind == .http {
                    dependency.httpMethod = httpMethod(methodName, call: call, module: module)
                    dependency.hasTimeout = call.keyword("timeout") != nil || (origin?.hasTimeout ?? false)
                        || (methodName == "urlopen" && call.positional.count >= 3)
                    if let origin {
                        dependency.clientScope = clientScope(origin, call: call, scope: function, module: moduleIndex)
                        dependency.clientLine = origin.line
                    } else if case .external = value {
                        // `requests.get(...)`, `httpx.get(...)`: each call builds a client (a
                        // session, a connection pool) and throws it away.
                        dependency.clientScope = "call"
                        dependency.clientLine = call.line
                    }
                }
                if entry.kind == .filesystem {
                    dependency.bundled = BundledPath(project: project, evaluator: evaluator)
                        .isBundled(module: moduleIndex, call: call, scope: scope)
                }
                let line = module.logicalLines[call.logicalLine]
                dependency.awaited = call.isAwaited || (line.keyword == .with && line.isAsync)
                found.append(FoundDependency(call: dependency, module: moduleIndex, scope: function))
            }
        }
    }

    /// Cheap test before resolving a callee: only these calls can be in the catalog.
    static func mayBeDependency(_ call: Call, watched: Set<String>) -> Bool {
        if case .name(let last) = call.chain.last, Catalog.dependencyNames.contains(last) || watched.contains(last) { return true }
        if case .name(let first) = call.chain.first, watched.contains(first) { return true }
        return false
    }

    /// The innermost function around a scope (a class body is not one).
    func enclosingFunction(_ scope: Int?, in module: PythonModule) -> Int? {
        var current = scope
        while let index = current {
            if module.definitions[index].isFunction { return index }
            current = module.definitions[index].parent
        }
        return nil
    }

    func httpMethod(_ name: String, call: Call, module: PythonModule) -> String? {
        if Catalog.httpVerbs.contains(name) { return name.uppercased() }
        if name == "request" || name == "stream", let first = call.positional.first, let text = module.stringValue(first.value) {
            return text.uppercased()
        }
        if name == "urlopen" { return call.keyword("data") != nil || call.positional.count >= 2 ? "POST" : "GET" }
        return nil
    }

    /// Where the client the call goes through was made, relative to the call.
    func clientScope(_ origin: Origin, call: Call, scope: Int?, module: Int) -> String {
        if origin.module == module {
            let created = project.modules[module].module.calls[origin.call]
            if created.open > call.calleeStart && created.close < call.open { return "call" }
        }
        guard let originScope = origin.scope else { return "module" }
        let originModule = project.modules[origin.module].module
        let originFunction = enclosingFunction(originScope, in: originModule)
        if origin.module == module, originFunction == scope { return "function" }
        if let originFunction, originModule.definitions[originFunction].name == "__init__" { return "instance" }
        return "other"
    }
}

/// Which app functions call which, resolved through imports, `self.` and instance attributes,
/// FastAPI `Depends`, and the thread-pool helpers that call a function for you. Only edges
/// the scanner can prove are added. Edges are resolved lazily, only for functions a route
/// reaches: most of a large codebase is never asked about.
final class CallGraph {
    private let project: ProjectIndex
    private let evaluator: Evaluator
    /// Per module, grouped when a function of it is first asked about: per function, the calls
    /// it makes (module-relative call indices), including calls in its own header and
    /// decorators (for `Depends`).
    private var callsByOwner: [[Int: [Int]]?]

    init(project: ProjectIndex, evaluator: Evaluator) {
        self.project = project
        self.evaluator = evaluator
        callsByOwner = Array(repeating: nil, count: project.modules.count)
    }

    private func calls(of function: DefRef) -> [Int] {
        if let grouped = callsByOwner[function.module] { return grouped[function.definition] ?? [] }
        let module = project.modules[function.module].module
        var grouped: [Int: [Int]] = [:]
        var decorated: [Int: Int] = [:]
        for (index, definition) in module.definitions.enumerated() {
            for line in definition.decorators { decorated[line] = index }
        }
        for (callIndex, call) in module.calls.enumerated() {
            let scope = module.scope(ofCode: call.calleeStart)
            let line = module.logicalLines[call.logicalLine]
            var owner = scope.flatMap { module.definitions[$0].isFunction ? $0 : nil }
            if let header = module.definitionIndex(headerLine: call.logicalLine), line.headerColon.map({ call.open < $0 }) ?? false {
                owner = header
            } else if line.keyword == .decorator, let target = decorated[call.logicalLine], module.definitions[target].isFunction {
                owner = target
            }
            guard let owner else { continue }
            grouped[owner, default: []].append(callIndex)
        }
        callsByOwner[function.module] = grouped
        return grouped[function.definition] ?? []
    }

    /// An edge and the call that makes it.
    struct Edge {
        var target: DefRef
        /// The call's index in its module.
        var call: Int
        /// True when the call hands the function to a thread pool (`run_in_threadpool`,
        /// `asyncio.to_thread`, `run_in_executor`) instead of calling it.
        var offloaded: Bool
    }

    private var edgeCache: [DefRef: [Edge]] = [:]

    /// The app functions a function calls, with the calls that call them.
    func edges(from function: DefRef) -> [Edge] {
        if let known = edgeCache[function] { return known }
        var found: [Edge] = []
        var seen: Set<DefRef> = []
        let module = project.modules[function.module].module
        func add(_ target: DefRef, _ call: Int, offloaded: Bool) {
            if seen.insert(target).inserted { found.append(Edge(target: target, call: call, offloaded: offloaded)) }
        }
        for callIndex in calls(of: function) {
            let call = module.calls[callIndex]
            let scope = module.scope(ofCode: call.calleeStart)
            switch evaluator.callee(module: function.module, call: callIndex) {
            case .definition(let target):
                if project.definition(target).isFunction {
                    add(target, callIndex, offloaded: false)
                } else if case .definition(let initializer) = evaluator.classMember(target, "__init__", instance: false) {
                    add(initializer, callIndex, offloaded: false)
                }
            case .external(let name):
                let canonical = Catalog.canonical(name)
                if canonical == "run_in_threadpool" || canonical == "fastapi.Depends" || canonical == "functools.partial",
                    let first = call.positional.first,
                    case .definition(let target) = evaluator.evaluate(first.value, module: function.module, scope: scope),
                    project.definition(target).isFunction
                {
                    add(target, callIndex, offloaded: canonical == "run_in_threadpool")
                }
            case .boundMethod(_, "run_in_executor", _):
                if call.positional.count >= 2,
                    case .definition(let target) = evaluator.evaluate(call.positional[1].value, module: function.module, scope: scope),
                    project.definition(target).isFunction
                {
                    add(target, callIndex, offloaded: true)
                }
            default:
                break
            }
        }
        edgeCache[function] = found
        return found
    }

    /// How a root reaches each function: the call in the root that starts the path (nil for
    /// the root itself), and whether any step of it went through a thread pool.
    func paths(from root: DefRef) -> [DefRef: (via: Int?, offloaded: Bool)] {
        var result: [DefRef: (via: Int?, offloaded: Bool)] = [root: (nil, false)]
        var queue = [root]
        var head = 0
        while head < queue.count {
            let next = queue[head]
            head += 1
            let from = result[next]!
            for edge in edges(from: next) where result[edge.target] == nil {
                result[edge.target] = (from.via ?? edge.call, from.offloaded || edge.offloaded)
                queue.append(edge.target)
            }
        }
        return result
    }

    /// Every function reachable from the roots, the roots included.
    func reachable(from roots: [DefRef]) -> Set<DefRef> {
        var seen = Set(roots)
        var queue = roots
        while let next = queue.popLast() {
            for edge in edges(from: next) where seen.insert(edge.target).inserted { queue.append(edge.target) }
        }
        return seen
    }
}

import Artifacts
import PythonSource

/// The handler of a route: a function, or a class whose methods handle the HTTP methods.
enum Handler: Hashable {
    case function(DefRef)
    case classView(DefRef)
    /// A Django REST framework ViewSet: the class, and the method handling each HTTP method.
    case viewSet(DefRef, actions: [String: DefRef])
}

/// A route as registered on one framework object, before prefixes are applied.
struct RouteSite {
    var object: Int
    var methods: [String]
    var rawPath: String
    var handler: Handler
    var module: Int
    var line: Int
}

/// `parent` serves `child` under `prefix`. For Flask, a `url_prefix` given at registration
/// replaces the blueprint's own.
struct Attachment {
    var parent: Int
    var child: Int
    var prefix: String
}

/// Finds route registrations of FastAPI, Starlette and Flask: decorators, `add_*` calls,
/// route lists, and the `include_router` / `register_blueprint` / `Mount` graph.
struct RouteCollector {
    let project: ProjectIndex
    let evaluator: Evaluator
    var sites: [RouteSite] = []
    var attachments: [Attachment] = []
    /// Own prefix per object (nil when the object has none), parts known only at run time marked.
    var prefixes: [Int: PrefixValue] = [:]
    var diagnostics: [Diagnostic] = []
    /// Per module, its `for` statements by logical line (RouteCollector+Loops).
    var loopIndex: [Int: [Int: LoopStatement]] = [:]

    enum PrefixValue { case known(String) }

    static let routeDecorators: [String: [String]] = [
        "get": ["GET"], "post": ["POST"], "put": ["PUT"], "patch": ["PATCH"], "delete": ["DELETE"],
        "options": ["OPTIONS"], "head": ["HEAD"], "trace": ["TRACE"],
    ]

    init(project: ProjectIndex, evaluator: Evaluator) {
        self.project = project
        self.evaluator = evaluator
    }

    static let constructorNames: Set<String> = [
        "FastAPI", "APIRouter", "Starlette", "Router", "Mount", "Flask", "Blueprint", "Api", "SimpleRouter", "DefaultRouter",
    ]

    static let registrationMethods: Set<String> = [
        "get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "route", "add_api_route",
        "add_route", "include_router", "mount", "add_url_rule", "register_blueprint", "add_resource", "register",
    ]

    mutating func collect() {
        let subclasses = frameworkSubclassNames()
        // Objects first (constructors with their prefixes and route lists), then registrations.
        for moduleIndex in project.modules.indices {
            let module = project.modules[moduleIndex].module
            let watched = project.modules[moduleIndex].watchedImports
            for (callIndex, call) in module.calls.enumerated() {
                // A framework object is built by a call to its class, by name or import alias,
                // or to an app class derived from one.
                guard case .name(let last) = call.chain.last,
                    Self.constructorNames.contains(last) || subclasses.contains(last) || (call.chain.count == 1 && watched.contains(last))
                else { continue }
                let scope = module.scope(ofCode: call.calleeStart)
                switch evaluator.callee(module: moduleIndex, call: callIndex) {
                case .external(let name):
                    guard let kind = FrameworkRegistry.constructors[Catalog.canonical(name)] else { continue }
                    let object = evaluator.registry.object(kind: kind, module: moduleIndex, call: callIndex, scope: scope)
                    constructed(object, kind: kind, call: call, module: moduleIndex, scope: scope)
                case .definition(let classRef):
                    guard let kind = evaluator.frameworkKind(ofClass: classRef) else { continue }
                    let object = evaluator.registry.object(kind: kind, module: moduleIndex, call: callIndex, scope: scope)
                    constructed(object, kind: kind, call: call, module: moduleIndex, scope: scope)
                    // A subclass that takes `prefix=` applies it to its routes (marimo's Router
                    // subclass imitating FastAPI's), whatever its base does with one.
                    if prefixes[object] == nil, kind == .starletteRouter, let argument = call.keyword("prefix") {
                        prefixes[object] = prefixValue(argument, module: moduleIndex, scope: scope, call: call)
                    }
                    if prefixes[object] == nil,
                        let inherited = superInitPrefix(classRef, kind: kind, constructor: call, callModule: moduleIndex, callScope: scope)
                    {
                        prefixes[object] = inherited
                    }
                default:
                    continue
                }
            }
        }
        for moduleIndex in project.modules.indices {
            let module = project.modules[moduleIndex].module
            var decorated: [Int: Int] = [:]
            for (index, definition) in module.definitions.enumerated() {
                for line in definition.decorators { decorated[line] = index }
            }
            for (callIndex, call) in module.calls.enumerated() {
                guard call.chain.count >= 2, case .name(let method) = call.chain.last!, Self.registrationMethods.contains(method),
                    call.open - 2 > call.calleeStart
                else { continue }
                // Only methods of framework objects register routes; a callee of any other kind
                // (a library function, an unknown) needs no second look.
                guard case .unknown = evaluator.callee(module: moduleIndex, call: callIndex) else { continue }
                let scope = module.scope(ofCode: call.calleeStart)
                let line = module.logicalLines[call.logicalLine]
                var target: Int?
                if line.keyword == .decorator, call.calleeStart == line.range.lowerBound + 1, call.close == line.range.upperBound - 1 {
                    target = decorated[call.logicalLine]
                }
                // Inside `for router in (a, b):` the registration runs once per element. A call
                // on something that is no framework object outside the loop's bindings is no
                // registration (`value.get(...)`), and is not reported as one.
                let receiver = evaluator.evaluate(call.calleeStart..<(call.open - 2), module: moduleIndex, scope: scope)
                let isObject = if case .object = receiver { true } else { false }
                // In a helper that registers what its callers pass (`register_view(bp, routes,
                // view_func)`), the registration runs once per call of the helper.
                let callers = callerContexts(call, module: moduleIndex, receiverIsObject: isObject)
                guard isObject || callers != nil || isInLoop(call, module: moduleIndex) else { continue }
                var contexts: [LoopContext] = []
                for caller in callers ?? [[]] {
                    let inner = evaluator.withLoopValues(caller) { loopContexts(call, module: moduleIndex, report: isObject || callers != nil) }
                    for context in inner ?? [] { contexts.append(caller + context) }
                }
                for context in contexts {
                    evaluator.withLoopValues(context) {
                        guard case .object(let object) = evaluator.evaluate(call.calleeStart..<(call.open - 2), module: moduleIndex, scope: scope)
                        else { return }
                        registration(object, method: method, call: call, decorates: target, module: moduleIndex, scope: scope)
                    }
                }
            }
        }
    }

    // MARK: - Constructors

    /// Names of the app's classes that derive from a framework class.
    func frameworkSubclassNames() -> Set<String> {
        var names: Set<String> = []
        for (moduleIndex, info) in project.modules.enumerated() {
            for (index, definition) in info.module.definitions.enumerated() where definition.kind == .class && !definition.bases.isEmpty {
                if evaluator.frameworkKind(ofClass: DefRef(module: moduleIndex, definition: index)) != nil { names.insert(definition.name) }
            }
        }
        return names
    }

    /// The prefix a framework subclass's `__init__` gives every instance when the call site
    /// gives none: `super().__init__(prefix="/admin", ...)`, or `kwargs.setdefault("url_prefix",
    /// "/" + name)` (pgAdmin's Blueprint subclass), read with the `__init__`'s parameters bound to
    /// what the constructor call passes. An `__init__` that forwards its arguments (`**kwargs`)
    /// is followed into its bases.
    mutating func superInitPrefix(
        _ classRef: DefRef, kind: FrameworkRegistry.Kind, constructor: Call, callModule: Int, callScope: Int?, depth: Int = 0
    ) -> PrefixValue? {
        guard depth < 8 else { return nil }
        let keyword = kind == .blueprint ? "url_prefix" : kind == .mount ? "path" : "prefix"
        let info = project.modules[classRef.module]
        let definitions = info.module.definitions
        if let initializer = definitions.indices.first(where: { definitions[$0].parent == classRef.definition && definitions[$0].name == "__init__" }) {
            let parameters = Array(definitions[initializer].parameters.enumerated().dropFirst())
            let kwargsName = parameters.first { $0.element.stars == 2 }?.element.name
            var bindings: LoopContext = []
            for (position, parameter) in parameters where parameter.stars == 0 {
                guard let argument = constructor.keyword(parameter.name) ?? (position - 1 < constructor.positional.count ? constructor.positional[position - 1] : nil)
                else { continue }
                let value = evaluator.evaluate(argument.value, module: callModule, scope: callScope)
                if value != .unknown { bindings.append((name: parameter.name, module: classRef.module, scope: initializer, value: value)) }
            }
            for call in info.module.calls where info.module.scope(ofCode: call.calleeStart) == initializer {
                var expression: Argument?
                if call.chain.last == .name("__init__"), call.chain.first == .name("super") || call.chain.count == 2 {
                    expression = call.keyword(keyword)
                } else if let kwargsName, call.chain == [.name(kwargsName), .name("setdefault")], call.positional.count == 2,
                    info.module.stringValue(call.positional[0].value) == keyword
                {
                    expression = call.positional[1]
                }
                guard let expression else { continue }
                return evaluator.withLoopValues(bindings) { prefixValue(expression, module: classRef.module, scope: initializer, call: call) }
            }
        }
        let definition = definitions[classRef.definition]
        for base in definition.bases {
            if case .definition(let baseRef) = evaluator.baseClass(base, module: classRef.module, scope: definition.parent),
                let found = superInitPrefix(baseRef, kind: kind, constructor: constructor, callModule: callModule, callScope: callScope, depth: depth + 1)
            {
                return found
            }
        }
        return nil
    }

    mutating func constructed(_ object: Int, kind: FrameworkRegistry.Kind, call: Call, module: Int, scope: Int?) {
        switch kind {
        case .fastapiRouter, .restfulApi:
            if let argument = call.keyword("prefix") { prefixes[object] = prefixValue(argument, module: module, scope: scope, call: call) }
            if kind == .restfulApi, let parentArgument = call.positional.first ?? call.keyword("app"),
                case .object(let parent) = evaluator.evaluate(parentArgument.value, module: module, scope: scope)
            {
                attachments.append(Attachment(parent: parent, child: object, prefix: ""))
            }
        case .blueprint:
            if let argument = call.keyword("url_prefix") { prefixes[object] = prefixValue(argument, module: module, scope: scope, call: call) }
        case .mount:
            if let argument = call.positional.first ?? call.keyword("path") {
                prefixes[object] = prefixValue(argument, module: module, scope: scope, call: call)
            }
            if let routes = call.keyword("routes") { routeList(routes.value, owner: object, module: module, scope: scope) }
            if let app = call.keyword("app") ?? (call.positional.count > 1 ? call.positional[1] : nil),
                case .object(let child) = evaluator.evaluate(app.value, module: module, scope: scope)
            {
                attachments.append(Attachment(parent: object, child: child, prefix: ""))
            }
        case .starletteApp, .starletteRouter, .fastapiApp:
            if let routes = call.keyword("routes") ?? (kind == .starletteRouter ? call.positional.first : nil) {
                routeList(routes.value, owner: object, module: module, scope: scope)
            }
        case .flaskApp, .drfSimpleRouter, .drfDefaultRouter:
            break
        }
    }

    mutating func prefixValue(_ argument: Argument, module: Int, scope: Int?, call: Call) -> PrefixValue {
        .known(pathOrMarked(argument, call: call, module: module, scope: scope, what: "prefix"))
    }

    /// A path or prefix argument as far as it can be known; a part known only at run time is
    /// a `{?name}` marker, reported once with the expression and its line. `None` is no prefix.
    mutating func pathOrMarked(_ argument: Argument, call: Call, module: Int, scope: Int?, what: String) -> String {
        let code = project.modules[module].module
        if argument.value.count == 1, code.isName(argument.value.lowerBound, "None") { return "" }
        let text = evaluator.pathText(argument.value, module: module, scope: scope)
        if !text.isComplete { diagnostics.append(partlyDynamic(module: module, line: call.line, what: "the \(what)", text)) }
        return text.text
    }

    /// The diagnostic for a route listed with `{?name}` markers: which expressions, and where.
    func partlyDynamic(module: Int, line: Int, what: String, _ text: PathText) -> Diagnostic {
        let path = project.modules[module].path
        let parts = text.unknown.map { "`\($0)`" }.joined(separator: ", ")
        return Diagnostic(
            severity: .warning, file: path, line: line, column: 0,
            message: "partly dynamic route at \(path):\(line): \(what) \(parts) is known only at run time, "
                + "so its routes are listed as `\(text.text)`; give it a literal value or a default to have them tested")
    }

    /// A Starlette `routes=[Route(...), Mount(...)]` list, given inline or by name.
    mutating func routeList(_ range: Range<Int>, owner: Int, module: Int, scope: Int?, depth: Int = 0) {
        guard depth < 8, !range.isEmpty else { return }
        let code = project.modules[module].module
        if code.isOp(range.lowerBound, "["), Int(code.matchingBracket[range.lowerBound]) == range.upperBound - 1 {
            var start = range.lowerBound + 1
            var index = start
            let end = range.upperBound - 1
            while index <= end {
                if index < end, code.matchingBracket[index] > index { index = Int(code.matchingBracket[index]) + 1; continue }
                if index == end || code.isOp(index, ",") {
                    if index > start { routeElement(start..<index, owner: owner, module: module, scope: scope, depth: depth) }
                    start = index + 1
                }
                index += 1
            }
            return
        }
        if range.count == 1, code.code[range.lowerBound].kind == .name,
            let (valueModule, valueScope, valueRange) = assignedRange(code.text(range.lowerBound), module: module, scope: scope)
        {
            routeList(valueRange, owner: owner, module: valueModule, scope: valueScope, depth: depth + 1)
            return
        }
        // `([Route(...)] + self.build_static_routes() + [...])`: each part on its own, so a part
        // built at run time loses only its own routes.
        if code.isOp(range.lowerBound, "("), Int(code.matchingBracket[range.lowerBound]) == range.upperBound - 1 {
            routeList((range.lowerBound + 1)..<(range.upperBound - 1), owner: owner, module: module, scope: scope, depth: depth + 1)
            return
        }
        let parts = evaluator.topLevelParts(range, separator: "+", module: module)
        if parts.count > 1 {
            for part in parts { routeList(part, owner: owner, module: module, scope: scope, depth: depth + 1) }
            return
        }
        // `routes=build_routes()` returning `router.routes`: that router's routes.
        if case .object(let child) = evaluator.evaluate(range, module: module, scope: scope) {
            attachments.append(Attachment(parent: owner, child: child, prefix: ""))
            return
        }
        // `routes=self.build_routes()`: the lists the app's function returns.
        if let call = code.calls.first(where: { $0.calleeStart == range.lowerBound && $0.close == range.upperBound - 1 }),
            case .definition(let function) = evaluator.evaluate(call.calleeStart..<call.open, module: module, scope: scope),
            project.definition(function).isFunction
        {
            let body = project.modules[function.module].module
            var returned = false
            for scoped in body.statements where scoped.scope == function.definition {
                guard case .returnValue(let value, _) = scoped.statement else { continue }
                returned = true
                routeList(value, owner: owner, module: function.module, scope: function.definition, depth: depth + 1)
            }
            if returned { return }
        }
        let line = code.code[range.lowerBound].start.line
        diagnostics.append(dynamic(module: module, line: line, "the route list `\(code.text(range))` is built at run time"))
    }

    mutating func routeElement(_ range: Range<Int>, owner: Int, module: Int, scope: Int?, depth: Int) {
        let code = project.modules[module].module
        if code.isOp(range.lowerBound, "*") {
            routeList((range.lowerBound + 1)..<range.upperBound, owner: owner, module: module, scope: scope, depth: depth + 1)
            return
        }
        guard let callIndex = code.calls.firstIndex(where: { $0.calleeStart == range.lowerBound && $0.close == range.upperBound - 1 }) else {
            diagnostics.append(dynamic(module: module, line: code.code[range.lowerBound].start.line, "the route `\(code.text(range))` is not a Route(...) call"))
            return
        }
        let call = code.calls[callIndex]
        guard case .external(let name) = evaluator.evaluate(call.calleeStart..<call.open, module: module, scope: scope) else { return }
        switch Catalog.canonical(name) {
        case "starlette.Route", "fastapi.APIRoute":
            guard let pathArgument = call.positional.first ?? call.keyword("path"),
                let endpoint = (call.positional.count > 1 ? call.positional[1] : nil) ?? call.keyword("endpoint")
            else { return }
            let path = pathOrMarked(pathArgument, call: call, module: module, scope: scope, what: "path")
            guard let handler = handler(endpoint.value, module: module, scope: scope) else { return }
            let methods = explicitMethods(call, module: module, scope: scope) ?? defaultMethods(handler, fallback: ["GET"])
            sites.append(RouteSite(object: owner, methods: methods, rawPath: path, handler: handler, module: module, line: call.line))
        case "starlette.Mount", "starlette.Router", "starlette.Host":
            // The outer list is read before the calls inside it are visited: make the object now
            // (the visit finds the same one and reads its prefix and routes).
            let child = FrameworkRegistry.constructors[Catalog.canonical(name)].map {
                evaluator.registry.object(kind: $0, module: module, call: callIndex, scope: scope)
            }
            if let child { attachments.append(Attachment(parent: owner, child: child, prefix: "")) }
        default:
            break
        }
    }

    // MARK: - Registrations on objects

    mutating func registration(_ object: Int, method: String, call: Call, decorates: Int?, module: Int, scope: Int?) {
        let kind = evaluator.registry.objects[object].kind
        let code = project.modules[module].module
        switch (kind.framework, method) {
        case (.fastapi, _), (.starlette, _):
            if let verbs = Self.routeDecorators[method], let decorates {
                decoratedRoute(object, methods: verbs, call: call, definition: decorates, module: module, scope: scope)
            } else if method == "api_route" || method == "route", let decorates {
                let methods = explicitMethods(call, module: module, scope: scope) ?? ["GET"]
                decoratedRoute(object, methods: methods, call: call, definition: decorates, module: module, scope: scope)
            } else if method == "add_api_route" || method == "add_route" {
                guard let pathArgument = call.positional.first ?? call.keyword("path"),
                    let endpoint = (call.positional.count > 1 ? call.positional[1] : nil) ?? call.keyword("endpoint") ?? call.keyword("route")
                else { return }
                guard let path = routePath(pathArgument, call: call, module: module, scope: scope),
                    let handler = handler(endpoint.value, module: module, scope: scope)
                else { return }
                let methods = explicitMethods(call, module: module, scope: scope) ?? defaultMethods(handler, fallback: ["GET"])
                sites.append(RouteSite(object: object, methods: methods, rawPath: path, handler: handler, module: module, line: call.line))
            } else if method == "include_router" {
                guard let routerArgument = call.positional.first ?? call.keyword("router") else { return }
                guard case .object(let child) = evaluator.evaluate(routerArgument.value, module: module, scope: scope) else {
                    diagnostics.append(unresolvedInclude(module: module, line: call.line, code.text(routerArgument.value)))
                    return
                }
                var prefix = ""
                if let argument = call.keyword("prefix") {
                    prefix = pathOrMarked(argument, call: call, module: module, scope: scope, what: "prefix")
                }
                attachments.append(Attachment(parent: object, child: child, prefix: prefix))
            } else if method == "mount" {
                guard let pathArgument = call.positional.first ?? call.keyword("path"),
                    let app = (call.positional.count > 1 ? call.positional[1] : nil) ?? call.keyword("app"),
                    case .object(let child) = evaluator.evaluate(app.value, module: module, scope: scope),
                    let path = routePath(pathArgument, call: call, module: module, scope: scope)
                else { return }
                attachments.append(Attachment(parent: object, child: child, prefix: String(path.trimmingSuffix("/"))))
            }
        case (.flask, _):
            if kind == .restfulApi {
                guard method == "add_resource", let resource = call.positional.first,
                    case .definition(let classRef) = evaluator.evaluate(resource.value, module: module, scope: scope),
                    project.definition(classRef).kind == .class
                else { return }
                let methods = classMethods(classRef)
                for urlArgument in call.positional.dropFirst() {
                    guard let path = routePath(urlArgument, call: call, module: module, scope: scope) else { continue }
                    sites.append(RouteSite(object: object, methods: methods, rawPath: path, handler: .classView(classRef), module: module, line: call.line))
                }
                return
            }
            if let verbs = Self.routeDecorators[method], method != "head", method != "options", method != "trace", let decorates {
                decoratedRoute(object, methods: verbs, call: call, definition: decorates, module: module, scope: scope)
            } else if method == "route", let decorates {
                let methods = explicitMethods(call, module: module, scope: scope) ?? ["GET"]
                decoratedRoute(object, methods: methods, call: call, definition: decorates, module: module, scope: scope)
            } else if method == "add_url_rule" {
                guard let ruleArgument = call.positional.first ?? call.keyword("rule"),
                    let viewArgument = call.keyword("view_func") ?? (call.positional.count > 2 ? call.positional[2] : nil),
                    let path = routePath(ruleArgument, call: call, module: module, scope: scope),
                    let handler = handler(viewArgument.value, module: module, scope: scope)
                else { return }
                let methods = explicitMethods(call, module: module, scope: scope) ?? defaultMethods(handler, fallback: ["GET"])
                sites.append(RouteSite(object: object, methods: methods, rawPath: path, handler: handler, module: module, line: call.line))
            } else if method == "register_blueprint" {
                guard let blueprintArgument = call.positional.first ?? call.keyword("blueprint") else { return }
                guard case .object(let child) = evaluator.evaluate(blueprintArgument.value, module: module, scope: scope) else {
                    diagnostics.append(unresolvedInclude(module: module, line: call.line, code.text(blueprintArgument.value)))
                    return
                }
                var prefix: String?
                if let argument = call.keyword("url_prefix") {
                    prefix = pathOrMarked(argument, call: call, module: module, scope: scope, what: "url_prefix")
                }
                // Flask: a url_prefix given here replaces the blueprint's own.
                let own: String
                switch prefixes[child] {
                case .known(let text)?: own = text
                case nil: own = ""
                }
                attachments.append(Attachment(parent: object, child: child, prefix: prefix ?? own))
                if prefix != nil { overriddenPrefixes.insert(AttachmentKey(parent: object, child: child)) }
            }
        case (.django, "register"):
            // DRF: `router.register(r"circuits", views.CircuitViewSet, basename=...)`.
            guard let prefixArgument = call.positional.first ?? call.keyword("prefix"),
                let viewsetArgument = (call.positional.count > 1 ? call.positional[1] : nil) ?? call.keyword("viewset"),
                case .definition(let viewset) = evaluator.evaluate(viewsetArgument.value, module: module, scope: scope),
                project.definition(viewset).kind == .class
            else { return }
            let prefix = pathOrMarked(prefixArgument, call: call, module: module, scope: scope, what: "prefix")
            viewSetRegistrations[object, default: []].append(ViewSetRegistration(prefix: prefix, viewset: viewset, module: module, line: call.line))
        case (.django, _):
            break
        }
    }

    struct AttachmentKey: Hashable {
        var parent: Int
        var child: Int
    }

    struct ViewSetRegistration {
        var prefix: String
        var viewset: DefRef
        var module: Int
        var line: Int
    }

    /// DRF `register(...)` calls per router object, in source order.
    var viewSetRegistrations: [Int: [ViewSetRegistration]] = [:]

    /// Blueprint registrations whose url_prefix replaced the blueprint's own.
    var overriddenPrefixes: Set<AttachmentKey> = []

    mutating func decoratedRoute(_ object: Int, methods: [String], call: Call, definition: Int, module: Int, scope: Int?) {
        guard let pathArgument = call.positional.first ?? call.keyword("path") ?? call.keyword("rule"),
            let path = routePath(pathArgument, call: call, module: module, scope: scope)
        else { return }
        sites.append(
            RouteSite(
                object: object, methods: methods, rawPath: path, handler: .function(DefRef(module: module, definition: definition)),
                module: module, line: call.line))
    }

    /// A route's path argument, with any part known only at run time marked.
    mutating func routePath(_ argument: Argument, call: Call, module: Int, scope: Int?) -> String? {
        pathOrMarked(argument, call: call, module: module, scope: scope, what: "path")
    }

    /// An include whose router the scanner cannot follow: the route table is incomplete, and
    /// the user is told where, rather than left to trust a short list.
    func unresolvedInclude(module: Int, line: Int, _ expression: String) -> Diagnostic {
        let path = project.modules[module].path
        return Diagnostic(
            severity: .warning, file: path, line: line, column: 0,
            message: "routes not listed: \(path):\(line) includes `\(expression)`, a router chaos-test cannot follow statically "
                + "(built by a class or at run time); its routes get no hooks and no load unless you add them to the plan")
    }

    func dynamic(module: Int, line: Int, _ why: String) -> Diagnostic {
        let path = project.modules[module].path
        return Diagnostic(
            severity: .warning, file: path, line: line, column: 0,
            message: "dynamic route at \(path):\(line): \(why), so chaos-test cannot list it; give it a literal path to have it tested")
    }

    // MARK: - Handlers and methods

    func handler(_ range: Range<Int>, module: Int, scope: Int?, depth: Int = 0) -> Handler? {
        guard depth < 8, !range.isEmpty else { return nil }
        let code = project.modules[module].module
        // `View.as_view("name")` (Flask) / `View.as_view()` (Django).
        if let call = code.calls.first(where: { $0.calleeStart == range.lowerBound && $0.close == range.upperBound - 1 }),
            case .name("as_view") = call.chain.last, call.open - 2 > call.calleeStart,
            case .definition(let classRef) = evaluator.evaluate(call.calleeStart..<(call.open - 2), module: module, scope: scope),
            project.definition(classRef).kind == .class
        {
            return .classView(classRef)
        }
        switch evaluator.evaluate(range, module: module, scope: scope) {
        case .definition(let ref): return project.definition(ref).kind == .class ? .classView(ref) : .function(ref)
        default: break
        }
        // `login = LoginView.as_view()` and `path("login/", login)`: the view a name was assigned.
        if range.count == 1, code.code[range.lowerBound].kind == .name,
            let (valueModule, valueScope, value) = assignedRange(code.text(range.lowerBound), module: module, scope: scope)
        {
            return handler(value, module: valueModule, scope: valueScope, depth: depth + 1)
        }
        return nil
    }

    func explicitMethods(_ call: Call, module: Int, scope: Int?) -> [String]? {
        guard let argument = call.keyword("methods") else { return nil }
        switch evaluator.evaluate(argument.value, module: module, scope: scope) {
        case .stringList(let items): return Array(Set(items.map { $0.uppercased() })).sorted()
        default:
            let code = project.modules[module].module
            var items: [String] = []
            for index in argument.value where code.code[index].kind == .string {
                if let text = code.stringValue(index..<(index + 1)) { items.append(text.uppercased()) }
            }
            return items.isEmpty ? nil : Array(Set(items)).sorted()
        }
    }

    func defaultMethods(_ handler: Handler, fallback: [String]) -> [String] {
        if case .classView(let classRef) = handler {
            let methods = classMethods(classRef)
            if !methods.isEmpty { return methods }
        }
        return fallback
    }

    /// The HTTP methods a class-based view handles: its `get`/`post`/... methods, inherited
    /// ones from app base classes included.
    func classMethods(_ classRef: DefRef) -> [String] {
        Array(classHandlers(classRef).keys).sorted()
    }

    func classHandlers(_ classRef: DefRef, depth: Int = 0) -> [String: DefRef] {
        guard depth < 8 else { return [:] }
        var handlers: [String: DefRef] = [:]
        let definition = project.definition(classRef)
        for base in definition.bases {
            if case .definition(let baseRef) = evaluator.baseClass(base, module: classRef.module, scope: definition.parent),
                project.definition(baseRef).kind == .class
            {
                handlers.merge(classHandlers(baseRef, depth: depth + 1)) { _, new in new }
            }
        }
        let verbs: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
        for (index, item) in project.modules[classRef.module].module.definitions.enumerated()
        where item.parent == classRef.definition && item.isFunction && verbs.contains(item.name) {
            handlers[item.name.uppercased()] = DefRef(module: classRef.module, definition: index)
        }
        return handlers
    }

    /// Where a name's assigned value is written, following `from m import name`.
    /// With `before` (a logical line), the binding in force there: `urlpatterns = [path(p,
    /// include(urlpatterns))]` includes the list bound before it, not itself.
    func assignedRange(_ name: String, module: Int, scope: Int?, before: Int? = nil, depth: Int = 0) -> (Int, Int?, Range<Int>)? {
        guard depth < 8 else { return nil }
        let info = project.modules[module]
        var current = scope
        while true {
            let bindings = info.bindings(current, name)
            let chosen: Binding?
            if let before { chosen = bindings?.last { ($0.logicalLine ?? -1) < before } } else { chosen = bindings?.last }
            if let binding = chosen {
                switch binding {
                case .assignment(let value?, _, _): return (module, current, value)
                case .importFrom(let moduleName, let member):
                    guard let index = evaluator.resolveModule(moduleName, from: module) else { return nil }
                    return assignedRange(member, module: index, scope: nil, depth: depth + 1)
                default: return nil
                }
            }
            guard let index = current else { return nil }
            current = info.module.definitions[index].parent
        }
    }
}

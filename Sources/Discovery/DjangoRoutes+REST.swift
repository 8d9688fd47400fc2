import Artifacts
import PythonSource

/// Django REST framework routers, as `SimpleRouter`/`DefaultRouter` build their URL patterns:
/// for each `register(prefix, ViewSet)`, a list route and a detail route whose HTTP methods are
/// the ViewSet's actions, and one route per `@action`.
extension DjangoRoutes {
    /// DRF's default mappings: HTTP method → action, for the list and the detail route.
    static let listMapping = ["GET": "list", "POST": "create"]
    static let detailMapping = ["GET": "retrieve", "PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"]

    /// Actions DRF's own classes provide, by class name.
    static let libraryActions: [String: [String]] = [
        "ModelViewSet": ["list", "create", "retrieve", "update", "partial_update", "destroy"],
        "ReadOnlyModelViewSet": ["list", "retrieve"],
        "ListModelMixin": ["list"], "CreateModelMixin": ["create"], "RetrieveModelMixin": ["retrieve"],
        "UpdateModelMixin": ["update", "partial_update"], "DestroyModelMixin": ["destroy"],
        "ListAPIView": ["list"], "RetrieveAPIView": ["retrieve"],
    ]

    struct ViewSetShape {
        /// Action name → the app's method for it (nil: provided by DRF's classes).
        var actions: [String: DefRef?] = [:]
        /// `@action` methods: detail or not, HTTP methods, URL path.
        var extra: [(detail: Bool, methods: [String], urlPath: String, function: DefRef)] = []
        var lookupField = "pk"
        var lookupRegex = "[^/.]+"
    }

    mutating func viewSetRoutes(_ router: Int, prefix: String, rawPrefix: String, line: Int) {
        let object = evaluator.registry.objects[router]
        guard object.kind == .drfSimpleRouter || object.kind == .drfDefaultRouter else { return }
        let code = project.modules[object.module].module
        let constructor = code.calls[object.call]
        var trailing = "/"
        if let argument = constructor.keyword("trailing_slash"), argument.value.count == 1, code.isName(argument.value.lowerBound, "False") {
            trailing = ""
        }
        var listMapping = Self.listMapping
        var detailMapping = Self.detailMapping
        if case .definition(let routerClass) = evaluator.callee(module: object.module, call: object.call) {
            for (index, update) in mappingUpdates(routerClass) {
                if index == 0 { listMapping.merge(update) { $1 } }
                if index == 2 { detailMapping.merge(update) { $1 } }
            }
        }
        for registration in collector.viewSetRegistrations[router] ?? [] {
            let shape = viewSetShape(registration.viewset)
            let base = registration.prefix
            let lookup = "(?P<\(shape.lookupField)>\(shape.lookupRegex))"
            func route(_ regex: String, _ mapping: [String: String]) {
                var methods: [String: DefRef] = [:]
                var served: [String] = []
                for (method, action) in mapping.sorted(by: { $0.key < $1.key }) {
                    guard let function = shape.actions[action] else { continue }
                    served.append(method)
                    if let function { methods[method] = function }
                }
                guard !served.isEmpty else { return }
                emit(regex, methods: served, handler: .viewSet(registration.viewset, actions: methods), prefix: prefix, rawPrefix: rawPrefix, line: registration.line)
            }
            let head = base.isEmpty ? "^" : "^\(base)/"
            // DRF drops the slash after an empty prefix: `^$`, `^(?P<pk>[^/.]+)/$`.
            route(base.isEmpty ? "^$" : "^\(base)\(trailing)$", listMapping)
            for action in shape.extra where !action.detail {
                emit(
                    "\(head)\(action.urlPath)\(trailing)$", methods: action.methods,
                    handler: .viewSet(registration.viewset, actions: Dictionary(action.methods.map { ($0, action.function) }) { first, _ in first }),
                    prefix: prefix, rawPrefix: rawPrefix, line: registration.line)
            }
            route("\(head)\(lookup)\(trailing)$", detailMapping)
            for action in shape.extra where action.detail {
                emit(
                    "\(head)\(lookup)/\(action.urlPath)\(trailing)$", methods: action.methods,
                    handler: .viewSet(registration.viewset, actions: Dictionary(action.methods.map { ($0, action.function) }) { first, _ in first }),
                    prefix: prefix, rawPrefix: rawPrefix, line: registration.line)
            }
        }
        // DefaultRouter's API root, when the app names its view (`router.APIRootView = X`).
        if object.kind == .drfDefaultRouter, let rootView = apiRootView(router) {
            emit("^$", methods: ["GET"], handler: .classView(rootView), prefix: prefix, rawPrefix: rawPrefix, line: line)
        }
    }

    private mutating func emit(_ regex: String, methods: [String], handler: Handler, prefix: String, rawPrefix: String, line: Int) {
        guard let piece = PathSyntax.regexToPath(regex) else { return }
        routes.append(Found(methods: methods.sorted(), path: "/" + prefix + piece, rawPath: "/" + rawPrefix + regex, handler: handler, line: line))
    }

    /// A ViewSet's actions and `@action`s through its app base classes, and its lookup.
    func viewSetShape(_ classRef: DefRef, depth: Int = 0) -> ViewSetShape {
        var shape = ViewSetShape()
        guard depth < 12 else { return shape }
        let definition = project.definition(classRef)
        let info = project.modules[classRef.module]
        // Bases first, so the class's own definitions win.
        for base in definition.bases.reversed() {
            switch evaluator.baseClass(base, module: classRef.module, scope: definition.parent) {
            case .definition(let baseRef) where project.definition(baseRef).kind == .class:
                let inherited = viewSetShape(baseRef, depth: depth + 1)
                shape.actions.merge(inherited.actions) { $1 }
                shape.extra += inherited.extra
                if inherited.lookupField != "pk" { shape.lookupField = inherited.lookupField }
                if inherited.lookupRegex != "[^/.]+" { shape.lookupRegex = inherited.lookupRegex }
            case .external(let name):
                let last = name.split(separator: ".").last.map(String.init) ?? name
                for action in Self.libraryActions[last] ?? [] where shape.actions[action] == nil { shape.actions[action] = .some(nil) }
            default:
                break
            }
        }
        for (index, item) in info.module.definitions.enumerated() where item.parent == classRef.definition && item.isFunction {
            let ref = DefRef(module: classRef.module, definition: index)
            if let action = extraAction(ref) {
                shape.extra.removeAll { $0.urlPath == action.urlPath && $0.detail == action.detail }
                shape.extra.append(action)
            } else {
                shape.actions[item.name] = ref
            }
        }
        for field in ["lookup_url_kwarg", "lookup_field"] {
            if let binding = info.bindings(classRef.definition, field)?.last, case .assignment(let value?, _, _) = binding,
                case .string(let text) = evaluator.evaluate(value, module: classRef.module, scope: classRef.definition)
            {
                shape.lookupField = text
                break
            }
        }
        if let binding = info.bindings(classRef.definition, "lookup_value_regex")?.last, case .assignment(let value?, _, _) = binding,
            case .string(let text) = evaluator.evaluate(value, module: classRef.module, scope: classRef.definition)
        {
            shape.lookupRegex = text
        }
        return shape
    }

    /// `@action(detail=True, methods=["post"], url_path="sync")` on a ViewSet method.
    func extraAction(_ ref: DefRef) -> (detail: Bool, methods: [String], urlPath: String, function: DefRef)? {
        let code = project.modules[ref.module].module
        let definition = project.definition(ref)
        for line in definition.decorators {
            let range = code.logicalLines[line].range
            guard let call = code.calls.first(where: { $0.calleeStart == range.lowerBound + 1 && $0.close == range.upperBound - 1 }),
                case .external(let name) = evaluator.evaluate(call.calleeStart..<call.open, module: ref.module, scope: definition.parent),
                name.hasSuffix(".action"), name.hasPrefix("rest_framework")
            else { continue }
            let detail = call.keyword("detail").map { $0.value.count == 1 && code.isName($0.value.lowerBound, "True") } ?? false
            var methods = ["GET"]
            if let argument = call.keyword("methods"),
                case .stringList(let items) = evaluator.evaluate(argument.value, module: ref.module, scope: definition.parent)
            {
                methods = Array(Set(items.map { $0.uppercased() })).sorted()
            }
            var urlPath = definition.name
            if let argument = call.keyword("url_path"),
                case .string(let text) = evaluator.evaluate(argument.value, module: ref.module, scope: definition.parent)
            {
                urlPath = text
            }
            return (detail, methods, urlPath, ref)
        }
        return nil
    }

    /// `self.routes[0].mapping.update({"put": "bulk_update", ...})` in a router subclass's
    /// `__init__`: the route index and the methods it adds (upper-cased) → actions.
    func mappingUpdates(_ routerClass: DefRef, depth: Int = 0) -> [(Int, [String: String])] {
        guard depth < 8 else { return [] }
        let info = project.modules[routerClass.module]
        let code = info.module
        let definition = project.definition(routerClass)
        var updates: [(Int, [String: String])] = []
        for base in definition.bases {
            if case .definition(let baseRef) = evaluator.baseClass(base, module: routerClass.module, scope: definition.parent),
                project.definition(baseRef).kind == .class
            {
                updates += mappingUpdates(baseRef, depth: depth + 1)
            }
        }
        guard let initializer = code.definitions.indices.first(where: { code.definitions[$0].parent == routerClass.definition && code.definitions[$0].name == "__init__" })
        else { return updates }
        for call in code.calls where code.scope(ofCode: call.calleeStart) == initializer {
            let callee = code.text(call.calleeStart..<call.open).filter { !$0.isWhitespace }
            guard callee.hasPrefix("self.routes["), callee.hasSuffix("].mapping.update"),
                let index = Int(callee.dropFirst("self.routes[".count).prefix { $0.isNumber }),
                let argument = call.positional.first, code.isOp(argument.value.lowerBound, "{"),
                Int(code.matchingBracket[argument.value.lowerBound]) == argument.value.upperBound - 1
            else { continue }
            var mapping: [String: String] = [:]
            for pair in evaluator.topLevelParts((argument.value.lowerBound + 1)..<(argument.value.upperBound - 1), separator: ",", module: routerClass.module) {
                let sides = evaluator.topLevelParts(pair, separator: ":", module: routerClass.module)
                guard sides.count == 2, let method = code.stringValue(sides[0]), let action = code.stringValue(sides[1]) else { continue }
                mapping[method.uppercased()] = action
            }
            updates.append((index, mapping))
        }
        return updates
    }

    /// `router.APIRootView = views.CircuitsRootView` in the module that built the router.
    func apiRootView(_ router: Int) -> DefRef? {
        let object = evaluator.registry.objects[router]
        let info = project.modules[object.module]
        for scoped in info.module.statements {
            guard case .assignment(let assignment) = scoped.statement, let value = assignment.value,
                let target = assignment.targets.first(where: { $0.hasSuffix(".APIRootView") })
            else { continue }
            let owner = String(target.dropLast(".APIRootView".count))
            guard !owner.contains("."),
                case .object(router) = evaluator.resolveName(owner, module: object.module, scope: scoped.scope, line: assignment.logicalLine),
                case .definition(let view) = evaluator.evaluate(value, module: object.module, scope: scoped.scope),
                project.definition(view).kind == .class
            else { continue }
            return view
        }
        return nil
    }
}

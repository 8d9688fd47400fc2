import Artifacts
import PythonSource

/// Django URLconfs: `urlpatterns` lists of `path()` / `re_path()`, `include()` prefixes,
/// function views and class-based views (`View.as_view()`).
struct DjangoRoutes {
    struct Found {
        var methods: [String]
        var path: String
        var rawPath: String
        var handler: Handler
        var line: Int
    }

    let project: ProjectIndex
    let evaluator: Evaluator
    let collector: RouteCollector
    var routes: [Found] = []
    var diagnostics: [Diagnostic] = []
    /// `module:attr` of the Django app and where it is declared.
    var app: AppObject?
    /// How deep `patterns` is nested now; past the bound the walk stops with a diagnostic.
    var patternNesting = 0
    var nestingReported = false
    static let maximumPatternNesting = 32

    init(project: ProjectIndex, evaluator: Evaluator, collector: RouteCollector) {
        self.project = project
        self.evaluator = evaluator
        self.collector = collector
    }

    mutating func collect() {
        guard let root = rootURLConf() else { return }
        walk(module: root, prefix: "", rawPrefix: "", visited: [])
        guard !routes.isEmpty else { return }
        let info = project.modules[root]
        app = AppObject(id: info.name + ":urlpatterns", framework: .django, file: info.path, line: urlpatternsLine(root) ?? 1, factory: false)
        for module in project.modules where module.name.hasSuffix("wsgi") || module.name.hasSuffix("asgi") {
            if let binding = module.bindings(nil, "application")?.last, case .assignment(let value?, _, _) = binding {
                let line = module.module.code[value.lowerBound].start.line
                app = AppObject(id: module.name + ":application", framework: .django, file: module.path, line: line, factory: false)
                break
            }
        }
    }

    /// `ROOT_URLCONF = "proj.urls"` in a settings module, else the one urls module nobody includes.
    func rootURLConf() -> Int? {
        for (index, module) in project.modules.enumerated() {
            guard let binding = module.bindings(nil, "ROOT_URLCONF")?.last, case .assignment(let value?, _, _) = binding,
                case .string(let name) = evaluator.evaluate(value, module: index, scope: nil)
            else { continue }
            return evaluator.resolveModule(name, from: index)
        }
        let candidates = project.modules.indices.filter {
            (project.modules[$0].name == "urls" || project.modules[$0].name.hasSuffix(".urls")) && urlpatternsLine($0) != nil
        }
        return candidates.count == 1 ? candidates[0] : nil
    }

    func urlpatternsLine(_ module: Int) -> Int? {
        guard let binding = project.modules[module].bindings(nil, "urlpatterns")?.first,
            case .assignment(let value?, _, _) = binding
        else { return nil }
        return project.modules[module].module.code[value.lowerBound].start.line
    }

    mutating func walk(module: Int, prefix: String, rawPrefix: String, visited: Set<Int>) {
        guard !visited.contains(module) else { return }
        for value in urlpatternsParts(module) {
            patterns(value, module: module, prefix: prefix, rawPrefix: rawPrefix, visited: visited.union([module]))
        }
    }

    /// What a URLconf's `urlpatterns` holds: its last assignment, then every
    /// `urlpatterns += [...]`, `.extend([...])` and `.append(path(...))` after it (also under
    /// `if settings.DEBUG:`), in source order. An appended element is returned as a list of one.
    func urlpatternsParts(_ module: Int) -> [Range<Int>] {
        let info = project.modules[module]
        let code = info.module
        guard let binding = info.bindings(nil, "urlpatterns")?.last, case .assignment(let value?, _, let assigned) = binding else { return [] }
        var parts: [(line: Int, range: Range<Int>)] = [(assigned, value)]
        for (index, line) in code.logicalLines.enumerated() where index > assigned && code.lineScopes[index] == nil {
            let start = line.range.lowerBound
            guard line.range.count > 2, code.isName(start, "urlpatterns"), code.isOp(start + 1, "+=") else { continue }
            parts.append((index, (start + 2)..<line.range.upperBound))
        }
        for call in code.calls where call.logicalLine > assigned && code.lineScopes[call.logicalLine] == nil {
            guard call.chain.count == 2, call.chain.first == .name("urlpatterns"), let argument = call.positional.first else { continue }
            switch call.chain.last {
            case .name("extend"): parts.append((call.logicalLine, argument.value))
            case .name("append"): parts.append((call.logicalLine, call.open..<(call.close + 1)))
            default: continue
            }
        }
        return parts.sorted { $0.line < $1.line }.map(\.range)
    }

    mutating func patterns(_ range: Range<Int>, module: Int, prefix: String, rawPrefix: String, visited: Set<Int>) {
        // Lists followed by name and included in lists (`urlpatterns = [path(p, include(urlpatterns))]`)
        // can refer back to themselves: the walk is bounded, and says where it stopped.
        guard patternNesting < Self.maximumPatternNesting else {
            if !nestingReported {
                nestingReported = true
                let code = project.modules[module].module
                let line = range.isEmpty ? 1 : code.code[range.lowerBound].start.line
                diagnostics.append(
                    collector.dynamic(module: module, line: line, "URL patterns here include each other more than \(Self.maximumPatternNesting) levels deep"))
            }
            return
        }
        patternNesting += 1
        defer { patternNesting -= 1 }
        let code = project.modules[module].module
        // `[...] + [...]` and `+ static(...)`: walk each list literal.
        var start = range.lowerBound
        var index = range.lowerBound
        var parts: [Range<Int>] = []
        while index < range.upperBound {
            if code.matchingBracket[index] > index { index = Int(code.matchingBracket[index]) }
            if code.isOp(index, "+") { parts.append(start..<index); start = index + 1 }
            index += 1
        }
        parts.append(start..<range.upperBound)
        for part in parts where !part.isEmpty {
            // `urlpatterns = graphite_urls`, `include(api_urls)`: the list a name was assigned.
            // `urlpatterns = router.urls` (DRF).
            if case .object(let router) = evaluator.evaluate(part, module: module, scope: nil) {
                viewSetRoutes(router, prefix: prefix, rawPrefix: rawPrefix, line: code.code[part.lowerBound].start.line)
                continue
            }
            if part.count == 1, code.code[part.lowerBound].kind == .name,
                let (valueModule, _, value) = collector.assignedRange(
                    code.text(part.lowerBound), module: module, scope: nil, before: Int(code.lineOfCode[part.lowerBound]))
            {
                patterns(value, module: valueModule, prefix: prefix, rawPrefix: rawPrefix, visited: visited)
                continue
            }
            guard code.isOp(part.lowerBound, "[") || code.isOp(part.lowerBound, "("),
                Int(code.matchingBracket[part.lowerBound]) == part.upperBound - 1
            else { continue }
            var elementStart = part.lowerBound + 1
            var cursor = elementStart
            let end = part.upperBound - 1
            while cursor <= end {
                if cursor < end, code.matchingBracket[cursor] > cursor { cursor = Int(code.matchingBracket[cursor]) + 1; continue }
                if cursor == end || code.isOp(cursor, ",") {
                    if cursor > elementStart {
                        element(elementStart..<cursor, module: module, prefix: prefix, rawPrefix: rawPrefix, visited: visited)
                    }
                    elementStart = cursor + 1
                }
                cursor += 1
            }
        }
    }

    mutating func element(_ range: Range<Int>, module: Int, prefix: String, rawPrefix: String, visited: Set<Int>) {
        let code = project.modules[module].module
        guard let call = code.calls.first(where: { $0.calleeStart == range.lowerBound && $0.close == range.upperBound - 1 }),
            case .external(let name) = evaluator.evaluate(call.calleeStart..<call.open, module: module, scope: nil)
        else {
            diagnostics.append(collector.dynamic(module: module, line: code.code[range.lowerBound].start.line, "the URL pattern `\(code.text(range))` is built at run time"))
            return
        }
        let function = Catalog.canonical(name)
        guard function == "django.urls.path" || function == "django.urls.re_path",
            let routeArgument = call.positional.first ?? call.keyword("route"),
            let viewArgument = (call.positional.count > 1 ? call.positional[1] : nil) ?? call.keyword("view")
        else { return }
        // `path(settings.BASE_PATH, include(...))`: a part known only at run time is marked, and
        // the patterns under it are listed all the same.
        let text = evaluator.pathText(routeArgument.value, module: module, scope: nil)
        let pattern = text.text
        if !text.isComplete { diagnostics.append(collector.partlyDynamic(module: module, line: call.line, what: "the pattern", text)) }
        let piece: String
        if function == "django.urls.path" {
            piece = PathSyntax.normalizeAngles(pattern)
        } else if let converted = PathSyntax.regexToPath(markersHidden: pattern) {
            piece = converted
        } else {
            diagnostics.append(collector.dynamic(module: module, line: call.line, "the regex `\(pattern)` does not spell one literal path"))
            return
        }
        let fullPath = prefix + piece
        let fullRaw = rawPrefix + pattern
        // include("app.urls") / include(module) / include([...])
        if let inner = code.calls.first(where: { $0.calleeStart == viewArgument.value.lowerBound && $0.close == viewArgument.value.upperBound - 1 }),
            case .external(let innerName) = evaluator.evaluate(inner.calleeStart..<inner.open, module: module, scope: nil),
            Catalog.canonical(innerName) == "django.urls.include", let target = inner.positional.first
        {
            switch evaluator.evaluate(target.value, module: module, scope: nil) {
            case .string(let moduleName):
                if let index = evaluator.resolveModule(moduleName, from: module) {
                    walk(module: index, prefix: fullPath, rawPrefix: fullRaw, visited: visited)
                }
            case .module(let moduleName):
                if let index = evaluator.resolveModule(moduleName, from: module) {
                    walk(module: index, prefix: fullPath, rawPrefix: fullRaw, visited: visited)
                }
            case .object(let router):
                viewSetRoutes(router, prefix: fullPath, rawPrefix: fullRaw, line: call.line)
            default:
                if code.isOp(target.value.lowerBound, "[") || (target.value.count == 1 && code.code[target.value.lowerBound].kind == .name) {
                    patterns(target.value, module: module, prefix: fullPath, rawPrefix: fullRaw, visited: visited)
                }
            }
            return
        }
        guard let handler = collector.handler(viewArgument.value, module: module, scope: nil) else { return }
        let methods: [String]
        switch handler {
        case .classView(let classRef):
            methods = classMethods(classRef)
        case .function(let ref):
            methods = functionMethods(ref)
        case .viewSet:
            return
        }
        routes.append(Found(methods: methods, path: "/" + fullPath, rawPath: "/" + fullRaw, handler: handler, line: call.line))
    }

    /// Methods of a function view, from Django's method decorators; else any method.
    func functionMethods(_ ref: DefRef) -> [String] {
        let code = project.modules[ref.module].module
        for line in project.definition(ref).decorators {
            let range = code.logicalLines[line].range
            let expression = (range.lowerBound + 1)..<range.upperBound
            let call = code.calls.first { $0.calleeStart == expression.lowerBound && $0.close == expression.upperBound - 1 }
            let calleeRange = call.map { $0.calleeStart..<$0.open } ?? expression
            guard case .external(let name) = evaluator.evaluate(calleeRange, module: ref.module, scope: project.definition(ref).parent) else { continue }
            switch name.split(separator: ".").last.map(String.init) ?? "" {
            case "require_GET": return ["GET"]
            case "require_POST": return ["POST"]
            case "require_safe": return ["GET", "HEAD"]
            case "require_http_methods", "api_view":
                if let argument = call?.positional.first,
                    case .stringList(let items) = evaluator.evaluate(argument.value, module: ref.module, scope: project.definition(ref).parent)
                {
                    return Array(Set(items.map { $0.uppercased() })).sorted()
                }
            default: continue
            }
        }
        return ["ANY"]
    }

    /// The HTTP methods of Django's and DRF's generic views, as their classes define handlers
    /// (`ProcessFormView` has `get`, `post` and `put`; `DeletionMixin` adds `delete`).
    static let genericViewMethods: [String: [String]] = [
        "TemplateView": ["GET"], "ListView": ["GET"], "DetailView": ["GET"], "ArchiveIndexView": ["GET"],
        "YearArchiveView": ["GET"], "MonthArchiveView": ["GET"], "DayArchiveView": ["GET"], "DateDetailView": ["GET"],
        "RedirectView": ["DELETE", "GET", "PATCH", "POST", "PUT"],
        "FormView": ["GET", "POST", "PUT"], "CreateView": ["GET", "POST", "PUT"], "UpdateView": ["GET", "POST", "PUT"],
        "LoginView": ["GET", "POST", "PUT"], "PasswordChangeView": ["GET", "POST", "PUT"],
        "PasswordResetView": ["GET", "POST", "PUT"], "PasswordResetConfirmView": ["GET", "POST", "PUT"],
        "DeleteView": ["DELETE", "GET", "POST"], "LogoutView": ["POST"],
        "ListAPIView": ["GET"], "CreateAPIView": ["POST"], "RetrieveAPIView": ["GET"], "DestroyAPIView": ["DELETE"],
        "UpdateAPIView": ["PATCH", "PUT"], "ListCreateAPIView": ["GET", "POST"], "RetrieveUpdateAPIView": ["GET", "PATCH", "PUT"],
        "RetrieveDestroyAPIView": ["DELETE", "GET"], "RetrieveUpdateDestroyAPIView": ["DELETE", "GET", "PATCH", "PUT"],
    ]

    /// A class view's methods: its own handlers and its app bases', with those of the Django and
    /// DRF generic views it derives from; `ANY` when none is known.
    func classMethods(_ classRef: DefRef) -> [String] {
        var methods = Set(collector.classMethods(classRef))
        methods.formUnion(genericMethods(classRef))
        methods.remove("OPTIONS")
        methods.remove("HEAD")
        return methods.isEmpty ? ["ANY"] : methods.sorted()
    }

    private func genericMethods(_ classRef: DefRef, depth: Int = 0) -> Set<String> {
        guard depth < 12 else { return [] }
        let definition = project.definition(classRef)
        var methods: Set<String> = []
        for base in definition.bases {
            switch evaluator.baseClass(base, module: classRef.module, scope: definition.parent) {
            case .external(let name):
                methods.formUnion(Self.genericViewMethods[name.split(separator: ".").last.map(String.init) ?? ""] ?? [])
            case .definition(let baseRef) where project.definition(baseRef).kind == .class:
                methods.formUnion(genericMethods(baseRef, depth: depth + 1))
            default:
                break
            }
        }
        return methods
    }
}

import PythonSource

/// Resolves names and simple expressions of the app to `Value`s: through imports across
/// modules, assignments, `with ... as`, parameters and their annotations, `self.` attributes,
/// and the return values of the app's own functions. Anything else is `unknown`.
final class Evaluator {
    let project: ProjectIndex
    let registry: FrameworkRegistry
    /// Per module, built when first needed: the index in `calls` of the call whose `(` is at a
    /// code index.
    private var callByOpen: [[Int: Int]?]
    /// Per module and class, built when first needed: `self.attr = value` assignments in its methods.
    private var selfAssignments: [[Int: [String: [(scope: Int, value: Range<Int>)]]]?]
    private var cache: [CacheKey: Value] = [:]
    private var inProgress: Set<CacheKey> = []

    private struct CacheKey: Hashable {
        var module: Int
        var scope: Int?
        var kind: UInt8
        var a: Int
        var b: Int
    }

    init(project: ProjectIndex, registry: FrameworkRegistry) {
        self.project = project
        self.registry = registry
        callByOpen = Array(repeating: nil, count: project.modules.count)
        selfAssignments = Array(repeating: nil, count: project.modules.count)
    }

    private static func indexSelfAssignments(_ info: ModuleInfo) -> [Int: [String: [(scope: Int, value: Range<Int>)]]] {
        var result: [Int: [String: [(scope: Int, value: Range<Int>)]]] = [:]
        let definitions = info.module.definitions
        for scoped in info.module.statements {
            guard case .assignment(let assignment) = scoped.statement, let scope = scoped.scope,
                let value = assignment.value, let classIndex = definitions[scope].parent,
                definitions[classIndex].kind == .class, let selfName = definitions[scope].parameters.first?.name
            else { continue }
            for target in assignment.targets where target.hasPrefix(selfName + ".") {
                let attribute = String(target.dropFirst(selfName.count + 1))
                guard !attribute.utf8.contains(UInt8(ascii: ".")) else { continue }
                result[classIndex, default: [:]][attribute, default: []].append((scope, value))
            }
        }
        return result
    }

    func callIndex(module: Int, open: Int) -> Int? {
        if let map = callByOpen[module] { return map[open] }
        var map: [Int: Int] = [:]
        for (index, call) in project.modules[module].module.calls.enumerated() { map[call.open] = index }
        callByOpen[module] = map
        return map[open]
    }

    private func selfAssignments(module: Int) -> [Int: [String: [(scope: Int, value: Range<Int>)]]] {
        if let known = selfAssignments[module] { return known }
        let built = Self.indexSelfAssignments(project.modules[module])
        selfAssignments[module] = built
        return built
    }

    /// Per module and call: what its callee evaluates to. Every stage asks for every call's
    /// callee, so it is computed once.
    private var calleeValues: [[Value?]] = []

    /// The value of a call's callee (`client.get` in `client.get(url)`), evaluated in its scope.
    func callee(module: Int, call: Int) -> Value {
        if calleeValues.isEmpty { calleeValues = project.modules.map { Array(repeating: nil, count: $0.module.calls.count) } }
        if loopValues.isEmpty, let value = calleeValues[module][call] { return value }
        let code = project.modules[module].module
        let item = code.calls[call]
        let value = evaluate(item.calleeStart..<item.open, module: module, scope: code.scope(ofCode: item.calleeStart))
        if loopValues.isEmpty { calleeValues[module][call] = value }
        return value
    }

    // MARK: - Modules

    /// Finds an app module by absolute name; a script folder run as its own root (`provider/`
    /// imported as `from models import x`) is tried relative to the importer's folders too.
    private struct ModuleLookup: Hashable {
        var name: String
        var importer: Int
    }

    private var moduleLookups: [ModuleLookup: Int?] = [:]

    func resolveModule(_ name: String, from importer: Int) -> Int? {
        if let index = project.moduleByName[name] { return index }
        let key = ModuleLookup(name: name, importer: importer)
        if let known = moduleLookups[key] { return known }
        let found = searchModule(name, from: importer)
        moduleLookups[key] = found
        return found
    }

    private func searchModule(_ name: String, from importer: Int) -> Int? {
        var parts = project.modules[importer].name.split(separator: ".").map(String.init)
        if !project.modules[importer].isPackage { parts.removeLast() }
        while !parts.isEmpty {
            if let index = project.moduleByName[parts.joined(separator: ".") + "." + name] { return index }
            parts.removeLast()
        }
        return nil
    }

    /// `from . import views` (or `from pkg import views`) in `pkg/__init__.py`: the binding is
    /// the submodule itself.
    private func importsSubmodule(_ binding: Binding, package: Int, _ member: String) -> Bool {
        if case .importFrom(let module, let name) = binding { return name == member && resolveModule(module, from: package) == package }
        if case .importModule(let module) = binding {
            return resolveModule(module, from: package) == resolveModule(Self.qualified(project.modules[package].name, member), from: package)
        }
        return false
    }

    /// `package.member`; the scanned folder's own `__init__.py` is the module named "".
    static func qualified(_ package: String, _ member: String) -> String { package.isEmpty ? member : package + "." + member }

    func moduleValue(_ name: String, from importer: Int) -> Value {
        if let index = resolveModule(name, from: importer) { return .module(project.modules[index].name) }
        return .external(name)
    }

    func member(ofModule name: String, _ member: String, from importer: Int) -> Value {
        guard let index = resolveModule(name, from: importer) else {
            // A namespace package (a folder without `__init__.py`) has no module of its own,
            // but its submodules import all the same.
            if let submodule = resolveModule(name + "." + member, from: importer) { return .module(project.modules[submodule].name) }
            return .external(name + "." + member)
        }
        // Python reads the package's attribute first: `from .Watch import Watch` in a package's
        // `__init__` makes `from package import Watch` the class, not the submodule.
        if let binding = project.modules[index].bindings(nil, member)?.last, !importsSubmodule(binding, package: index, member) {
            return resolveName(member, module: index, scope: nil, line: Int.max)
        }
        if let submodule = resolveModule(Self.qualified(project.modules[index].name, member), from: importer) {
            return .module(project.modules[submodule].name)
        }
        return resolveName(member, module: index, scope: nil, line: Int.max)
    }

    // MARK: - Names

    private struct NameKey: Hashable {
        var module: Int
        var scope: Int
        var name: String
    }

    /// Names whose value does not depend on where they are used (one binding in the scope that
    /// binds them), resolved once.
    private var names: [NameKey: Value] = [:]

    /// Names being resolved right now: `from a import x` in `b` and `from b import x` in `a`
    /// (or a name bound to itself through aliases) would otherwise recurse until the stack
    /// overflows. A name met again while it is being resolved is `unknown`.
    private var namesInProgress: Set<NameKey> = []

    /// How deep the evaluation is nested now, and the bound past which it gives up with
    /// `unknown` rather than overflow the stack on a pathological chain of bindings.
    private var nesting = 0
    static let maximumDepth = 200
    /// Where evaluation hit `maximumDepth` (a logical line), reported once per module as a diagnostic.
    private(set) var depthLimitHits: [Int: Int] = [:]

    /// Runs `body` one level deeper, or answers `unknown` past the bound.
    private func nested(module: Int, line: Int, _ body: () -> Value) -> Value {
        guard nesting < Self.maximumDepth else {
            if depthLimitHits[module] == nil { depthLimitHits[module] = line }
            return .unknown
        }
        nesting += 1
        defer { nesting -= 1 }
        return body()
    }

    func resolveName(_ name: String, module: Int, scope: Int?, line: Int) -> Value {
        let key = NameKey(module: module, scope: scope ?? -1, name: name)
        if let override = loopValues[key] { return override }
        if let known = names[key] { return known }
        guard namesInProgress.insert(key).inserted else { return .unknown }
        defer { namesInProgress.remove(key) }
        return nested(module: module, line: line) { resolveNameUncached(name, key: key, module: module, scope: scope, line: line) }
    }

    private func resolveNameUncached(_ name: String, key: NameKey, module: Int, scope: Int?, line: Int) -> Value {
        let info = project.modules[module]
        let definitions = info.module.definitions
        var current = scope
        var first = true
        while true {
            let isClassScope = current.map { definitions[$0].kind == .class } ?? false
            if first || !isClassScope, let bindings = info.bindings(current, name), !bindings.isEmpty {
                let chosen: Binding
                if first, let before = bindings.last(where: { ($0.logicalLine ?? -1) <= line }) {
                    chosen = before
                } else {
                    chosen = bindings.last!
                }
                let value = evaluate(binding: chosen, name: name, module: module, scope: current)
                if (!first || bindings.count == 1) && loopValues.isEmpty { names[key] = value }
                return value
            }
            guard let scopeIndex = current else { break }
            current = definitions[scopeIndex].parent
            first = false
        }
        // `from .object_views import *`: a name the module does not bind may come from there.
        for starModule in info.starImports.reversed() {
            guard let index = resolveModule(starModule, from: module), index != module else { continue }
            let found = resolveName(name, module: index, scope: nil, line: Int.max)
            if found != .unknown {
                if loopValues.isEmpty { names[key] = found }
                return found
            }
        }
        let value: Value = name == "open" ? .external("builtins.open") : .unknown
        if loopValues.isEmpty { names[key] = value }
        return value
    }

    private func evaluate(binding: Binding, name: String, module: Int, scope: Int?) -> Value {
        let info = project.modules[module]
        switch binding {
        case .importModule(let moduleName):
            return moduleValue(moduleName, from: module)
        case .importFrom(let moduleName, let member):
            return self.member(ofModule: moduleName, member, from: module)
        case .definition(let index):
            return .definition(DefRef(module: module, definition: index))
        case .assignment(let value, let annotation, let line):
            if let value {
                let key = CacheKey(module: module, scope: scope, kind: 1, a: line, b: value.lowerBound)
                return cached(key) { self.evaluate(value, module: module, scope: scope) }
            }
            if let annotation { return instance(ofAnnotation: annotation, module: module, scope: scope) }
            return .unknown
        case .withItem(let value, _):
            let result = evaluate(value, module: module, scope: scope)
            if case .instance = result { return result }
            return .unknown
        case .parameter(let parameter, let function, let position):
            let definition = info.module.definitions[function]
            if position == 0, let parent = definition.parent, info.module.definitions[parent].kind == .class {
                let decorators = definition.decorators.map { info.module.text(info.module.logicalLines[$0].range) }
                if decorators.contains("@staticmethod") { break }
                let classRef = DefRef(module: module, definition: parent)
                return decorators.contains("@classmethod") ? .definition(classRef) : .instance(.app(classRef), origin: nil)
            }
            if let annotation = parameter.annotation {
                let value = instance(ofAnnotation: annotation, module: module, scope: definition.parent)
                if value != .unknown { return value }
            }
            if let defaultValue = parameter.defaultValue {
                if let dependency = dependsTarget(defaultValue, module: module, scope: definition.parent) {
                    return callResult(of: .definition(dependency), module: module, call: nil, scope: definition.parent)
                }
                // `def create_admin(app, base_url="/admin")`: the default is what the scan can
                // know of a parameter; a caller may pass another value.
                return evaluate(defaultValue, module: module, scope: definition.parent)
            }
            if parameter.stars == 0 { return argumentValue(function: DefRef(module: module, definition: function), parameter: parameter, position: position) }
            return .unknown
        }
        return .unknown
    }

    /// `Depends(get_db)` → the function `get_db`.
    func dependsTarget(_ range: Range<Int>, module: Int, scope: Int?) -> DefRef? {
        let code = project.modules[module].module
        guard let call = callIndex(module: module, open: range.lowerBound + 1).map({ code.calls[$0] }),
            call.calleeStart == range.lowerBound, call.close == range.upperBound - 1
        else { return nil }
        guard case .external(let name) = evaluate(call.calleeStart..<call.open, module: module, scope: scope),
            Catalog.canonical(name) == "fastapi.Depends", let argument = call.positional.first ?? call.keyword("dependency"),
            case .definition(let target) = evaluate(argument.value, module: module, scope: scope)
        else { return nil }
        return target
    }

    /// The instance an annotation describes: `httpx.AsyncClient`, `Session`, `Optional[X]`,
    /// `X | None`, `Annotated[X, ...]`.
    func instance(ofAnnotation range: Range<Int>, module: Int, scope: Int?) -> Value {
        let code = project.modules[module].module
        var range = range
        if range.count > 2, code.code[range.upperBound - 1].kind == .name, code.isName(range.upperBound - 1, "None"),
            code.isOp(range.upperBound - 2, "|")
        {
            range = range.lowerBound..<(range.upperBound - 2)
        }
        if let bracket = range.first(where: { code.isOp($0, "[") }), Int(code.matchingBracket[bracket]) == range.upperBound - 1 {
            let head = evaluate(range.lowerBound..<bracket, module: module, scope: scope)
            if case .external(let name) = head, ["typing.Optional", "typing.Annotated", "typing_extensions.Annotated"].contains(name) {
                var end = bracket + 1
                while end < range.upperBound - 1, !code.isOp(end, ",") {
                    if code.matchingBracket[end] > end { end = Int(code.matchingBracket[end]) }
                    end += 1
                }
                return instance(ofAnnotation: (bracket + 1)..<end, module: module, scope: scope)
            }
            return .unknown
        }
        switch evaluate(range, module: module, scope: scope) {
        case .external(let name): return .instance(.external(Catalog.canonical(name)), origin: nil)
        case .definition(let ref) where project.definition(ref).kind == .class: return .instance(.app(ref), origin: nil)
        default: return .unknown
        }
    }

    private func cached(_ key: CacheKey, _ compute: () -> Value) -> Value {
        if loopValues.isEmpty, let value = cache[key] { return value }
        guard inProgress.insert(key).inserted else { return .unknown }
        let value = compute()
        inProgress.remove(key)
        if loopValues.isEmpty { cache[key] = value }
        return value
    }

    // MARK: - Loop variables

    /// Values of loop variables while a registration inside `for router in (a, b):` is read
    /// once per element. While any is set, nothing is cached: a cached value could depend on
    /// the element of the moment.
    private var loopValues: [NameKey: Value] = [:]

    /// Evaluates `body` with the names of a `for` loop bound to one element's values.
    func withLoopValues<T>(_ values: [(name: String, module: Int, scope: Int?, value: Value)], _ body: () -> T) -> T {
        let saved = loopValues
        for item in values { loopValues[NameKey(module: item.module, scope: item.scope ?? -1, name: item.name)] = item.value }
        defer { loopValues = saved }
        return body()
    }

    // MARK: - Expressions

    func evaluate(_ range: Range<Int>, module: Int, scope: Int?) -> Value {
        guard !range.isEmpty else { return .unknown }
        let line = Int(project.modules[module].module.lineOfCode[range.lowerBound])
        return nested(module: module, line: line) { evaluateExpression(range, module: module, scope: scope) }
    }

    private func evaluateExpression(_ range: Range<Int>, module: Int, scope: Int?) -> Value {
        let code = project.modules[module].module
        var range = range
        if code.isName(range.lowerBound, "await") { range = (range.lowerBound + 1)..<range.upperBound }
        guard !range.isEmpty else { return .unknown }
        if code.isOp(range.lowerBound, "("), Int(code.matchingBracket[range.lowerBound]) == range.upperBound - 1 {
            return evaluate((range.lowerBound + 1)..<(range.upperBound - 1), module: module, scope: scope)
        }
        if code.code[range.lowerBound].kind == .string, let text = code.stringValue(range) { return .string(text) }
        if code.isOp(range.lowerBound, "["), Int(code.matchingBracket[range.lowerBound]) == range.upperBound - 1 {
            return stringList((range.lowerBound + 1)..<(range.upperBound - 1), module: module, scope: scope)
        }
        if let concatenated = concatenation(range, module: module, scope: scope) { return concatenated }
        // `os.getenv("PREFIX") or "/api"`: the right side is the value when the left is unset.
        if let either = alternative(range, module: module, scope: scope) { return either }
        // A postfix chain: NAME (. NAME | (args) | [index])*
        guard code.code[range.lowerBound].kind == .name else { return .unknown }
        let line = Int(code.lineOfCode[range.lowerBound])
        var value = resolveName(code.text(range.lowerBound), module: module, scope: scope, line: line)
        var index = range.lowerBound + 1
        while index < range.upperBound {
            if code.isOp(index, "."), index + 1 < range.upperBound, code.code[index + 1].kind == .name {
                value = attribute(value, code.text(index + 1), module: module)
                index += 2
            } else if code.isOp(index, "("), let call = callIndex(module: module, open: index) {
                value = callResult(of: value, module: module, call: call, scope: scope)
                index = code.calls[call].close + 1
            } else if code.isOp(index, "[") {
                value = .unknown
                index = Int(code.matchingBracket[index]) + 1
            } else {
                return .unknown
            }
            if value == .unknown { return .unknown }
        }
        return value
    }

    private func stringList(_ range: Range<Int>, module: Int, scope: Int?) -> Value {
        let code = project.modules[module].module
        var items: [String] = []
        var start = range.lowerBound
        var index = range.lowerBound
        func flush(_ end: Int) -> Bool {
            guard end > start else { return true }
            guard case .string(let text) = evaluate(start..<end, module: module, scope: scope) else { return false }
            items.append(text)
            return true
        }
        while index < range.upperBound {
            if code.matchingBracket[index] > index { index = Int(code.matchingBracket[index]) }
            if code.isOp(index, ",") {
                guard flush(index) else { return .unknown }
                start = index + 1
            }
            index += 1
        }
        guard flush(range.upperBound) else { return .unknown }
        return .stringList(items)
    }

    /// `"/api" + PREFIX + "/v1"`: every part a known string.
    private func concatenation(_ range: Range<Int>, module: Int, scope: Int?) -> Value? {
        let parts = topLevelParts(range, separator: "+", module: module)
        guard parts.count > 1 else { return nil }
        var result = ""
        for part in parts {
            guard case .string(let text) = evaluate(part, module: module, scope: scope) else { return .unknown }
            result += text
        }
        return .string(result)
    }

    private func alternative(_ range: Range<Int>, module: Int, scope: Int?) -> Value? {
        let code = project.modules[module].module
        var index = range.lowerBound
        while index < range.upperBound {
            if code.matchingBracket[index] > index { index = Int(code.matchingBracket[index]) }
            if code.code[index].kind == .name, code.isName(index, "or"), index > range.lowerBound {
                let left = evaluate(range.lowerBound..<index, module: module, scope: scope)
                if case .string(let text) = left, !text.isEmpty { return left }
                if left != .unknown, left != .string("") { return .unknown }
                return evaluate((index + 1)..<range.upperBound, module: module, scope: scope)
            }
            index += 1
        }
        return nil
    }

    func attribute(_ base: Value, _ name: String, module: Int) -> Value {
        switch base {
        case .module(let moduleName):
            return member(ofModule: moduleName, name, from: module)
        case .external(let prefix):
            // `import ns.views` where `ns` is a namespace package: `ns.views` is the app's.
            if let index = project.moduleByName[prefix + "." + name] { return .module(project.modules[index].name) }
            return .external(prefix + "." + name)
        case .instance(.external(let type), let origin):
            return .boundMethod(.external(type), name: name, origin: origin)
        case .instance(.app(let classRef), _):
            return classMember(classRef, name, instance: true)
        case .definition(let ref) where project.definition(ref).kind == .class:
            let member = classMember(ref, name, instance: false)
            // `View.as_view("name")` (Flask, Django) stands for the class view itself.
            if member == .unknown, name == "as_view" { return .boundMethod(.app(ref), name: name, origin: nil) }
            return member
        case .object where name == "routes" || name == "urls":
            // `routes=router.routes`, DRF's `router.urls`: the router's routes, served wherever
            // the list goes.
            return base
        default:
            return .unknown
        }
    }

    /// A method or attribute of an app class, searching its app base classes.
    func classMember(_ classRef: DefRef, _ name: String, instance: Bool, depth: Int = 0) -> Value {
        guard depth < 8 else { return .unknown }
        // `self.x = self.x.y` and mutually referring attributes must not recurse forever.
        let key = MemberKey(classRef: classRef, name: name, instance: instance)
        if loopValues.isEmpty, let value = memberCache[key] { return value }
        guard membersInProgress.insert(key).inserted else { return .unknown }
        defer { membersInProgress.remove(key) }
        let value = computeClassMember(classRef, name, instance: instance, depth: depth)
        if loopValues.isEmpty { memberCache[key] = value }
        return value
    }

    private struct MemberKey: Hashable {
        var classRef: DefRef
        var name: String
        var instance: Bool
    }

    private var memberCache: [MemberKey: Value] = [:]
    /// Class hierarchy caches (Evaluator+Classes).
    var frameworkKinds: [DefRef: FrameworkRegistry.Kind?] = [:]
    private var callSitesByName: [String: [(module: Int, call: Int)]]?
    var directSubclasses: [DefRef: [DefRef]]?
    private var membersInProgress: Set<MemberKey> = []

    private func computeClassMember(_ classRef: DefRef, _ name: String, instance: Bool, depth: Int) -> Value {
        let info = project.modules[classRef.module]
        if let binding = info.bindings(classRef.definition, name)?.last {
            let value = evaluate(binding: binding, name: name, module: classRef.module, scope: classRef.definition)
            // `self.build_routes()` in a base class whose `build_routes` is abstract: the one
            // subclass in the app that implements it (with several, nothing is guessed).
            if instance, case .definition(let method) = value, isAbstract(method), let only = soleOverride(of: name, below: classRef) {
                return .definition(only)
            }
            return value
        }
        if instance, let assignments = selfAssignments(module: classRef.module)[classRef.definition]?[name] {
            let values = Set(assignments.map { evaluate($0.value, module: classRef.module, scope: $0.scope) })
            if values.count == 1, let only = values.first { return only }
            return .unknown
        }
        for base in project.definition(classRef).bases {
            if case .definition(let baseRef) = baseClass(base, module: classRef.module, scope: project.definition(classRef).parent),
                project.definition(baseRef).kind == .class
            {
                let found = classMember(baseRef, name, instance: instance, depth: depth + 1)
                if found != .unknown { return found }
            }
        }
        return .unknown
    }

    func callResult(of callee: Value, module: Int, call: Int?, scope: Int?) -> Value {
        let origin: Origin? = call.map { index in
            let item = project.modules[module].module.calls[index]
            return Origin(module: module, call: index, scope: scope, hasTimeout: item.keyword("timeout") != nil, line: item.line)
        }
        switch callee {
        case .external(let name):
            let canonical = Catalog.canonical(name)
            if let kind = FrameworkRegistry.constructors[canonical], let call {
                return .object(registry.object(kind: kind, module: module, call: call, scope: scope))
            }
            if let type = Catalog.constructors[canonical] { return .instance(.external(type), origin: origin) }
            if let call, let value = defaultArgument(of: canonical, module: module, call: call, scope: scope) { return value }
            // `closing(conn)` and `nullcontext(conn)` hand their argument to `with ... as`.
            if canonical == "contextlib.closing" || canonical == "contextlib.nullcontext", let call,
                let argument = project.modules[module].module.calls[call].positional.first
            {
                return evaluate(argument.value, module: module, scope: scope)
            }
            return .unknown
        case .instance(.external(let type), _):
            if let result = Catalog.callableInstances[type] { return .instance(.external(result), origin: origin) }
            return .unknown
        case .boundMethod(.external(let type), let name, let receiverOrigin):
            if let result = Catalog.methodReturns[type + "#" + name] {
                return .instance(.external(result), origin: receiverOrigin ?? origin)
            }
            if name == "from_url", let type = Catalog.constructors[type + ".from_url"] {
                return .instance(.external(type), origin: origin)
            }
            return .unknown
        case .boundMethod(.app(let ref), "as_view", _):
            return .definition(ref)
        case .definition(let ref):
            let definition = project.definition(ref)
            if definition.kind == .class {
                // `class V1Router(APIRouter)`: an instance is a router like any other.
                if let call, let kind = frameworkKind(ofClass: ref) {
                    return .object(registry.object(kind: kind, module: module, call: call, scope: scope))
                }
                return .instance(.app(ref), origin: origin)
            }
            return returnValue(of: ref)
        default:
            return .unknown
        }
    }

    /// Calls whose value, as far as the source can tell, is one of their arguments: the default
    /// of an environment lookup (`os.getenv("ROOT_PATH", "")`) and of a settings field
    /// (`Field("/api")`, `Field(default="/api")`, `field(default="/api")`, `default_factory=`).
    private func defaultArgument(of function: String, module: Int, call: Int, scope: Int?) -> Value? {
        let item = project.modules[module].module.calls[call]
        switch function {
        case "os.getenv", "os.environ.get", "os.environ.setdefault":
            guard let argument = item.keyword("default") ?? (item.positional.count > 1 ? item.positional[1] : nil) else { return nil }
            return evaluate(argument.value, module: module, scope: scope)
        case "pydantic.Field", "pydantic.fields.Field", "dataclasses.field", "attr.ib", "attrs.field", "pydantic_settings.Field":
            if let argument = item.keyword("default") ?? (function.hasPrefix("pydantic") ? item.positional.first : nil) {
                return evaluate(argument.value, module: module, scope: scope)
            }
            if let factory = item.keyword("default_factory") ?? item.keyword("factory") {
                return callResult(of: evaluate(factory.value, module: module, scope: scope), module: module, call: nil, scope: scope)
            }
            return nil
        default:
            return nil
        }
    }

    /// What the app's calls of a plain function pass for one of its parameters, when every call
    /// the scan can see passes the same value: `construct_feed_routes(rss_blueprint, store)`
    /// makes the function's `bp` that blueprint.
    func argumentValue(function: DefRef, parameter: Parameter, position: Int) -> Value {
        let definition = project.definition(function)
        guard definition.isFunction, definition.parent.map({ project.definition(DefRef(module: function.module, definition: $0)).kind != .class }) ?? true
        else { return .unknown }
        let key = CacheKey(module: function.module, scope: function.definition, kind: 3, a: position, b: 0)
        return cached(key) {
            var agreed: Value?
            for site in callSites(named: definition.name) {
                guard case .definition(let callee) = self.callee(module: site.module, call: site.call), callee == function else { continue }
                let call = project.modules[site.module].module.calls[site.call]
                guard !call.arguments.contains(where: { $0.stars > 0 }),
                    let argument = call.keyword(parameter.name) ?? (position < call.positional.count ? call.positional[position] : nil)
                else { return .unknown }
                let value = evaluate(argument.value, module: site.module, scope: project.modules[site.module].module.scope(ofCode: call.calleeStart))
                if value == .unknown || (agreed != nil && agreed != value) { return .unknown }
                agreed = value
            }
            return agreed ?? .unknown
        }
    }

    /// The calls in the app whose callee's last name is `name`, indexed on first use.
    func callSites(named name: String) -> [(module: Int, call: Int)] {
        if callSitesByName == nil {
            var index: [String: [(module: Int, call: Int)]] = [:]
            for (moduleIndex, info) in project.modules.enumerated() {
                // Plain functions are called as `f(...)` or `module.f(...)`; longer chains are
                // method calls, which `argumentValue` does not follow.
                for (callIndex, call) in info.module.calls.enumerated() where call.chain.count <= 2 {
                    if case .name(let last) = call.chain.last { index[last, default: []].append((moduleIndex, callIndex)) }
                }
            }
            callSitesByName = index
        }
        return callSitesByName?[name] ?? []
    }

    /// What an app function returns, when every return that is known agrees.
    func returnValue(of ref: DefRef) -> Value {
        let key = CacheKey(module: ref.module, scope: ref.definition, kind: 2, a: 0, b: 0)
        return cached(key) {
            let info = project.modules[ref.module]
            var result: Value = .unknown
            for scoped in info.module.statements where scoped.scope == ref.definition {
                guard case .returnValue(let value, _) = scoped.statement else { continue }
                let candidate = evaluate(value, module: ref.module, scope: ref.definition)
                if candidate == .unknown { continue }
                if result == .unknown {
                    result = candidate
                } else if result != candidate {
                    return .unknown
                }
            }
            return result
        }
    }
}

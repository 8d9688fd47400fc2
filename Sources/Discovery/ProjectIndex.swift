import Foundation
import Artifacts
import PythonSource

/// A reference to a `def` or `class` of the app: which module, which definition.
struct DefRef: Hashable, Sendable, Comparable {
    var module: Int
    var definition: Int

    static func < (lhs: DefRef, rhs: DefRef) -> Bool {
        (lhs.module, lhs.definition) < (rhs.module, rhs.definition)
    }
}

/// What a name is bound to in one scope.
enum Binding {
    /// `import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to `a.b`.
    case importModule(String)
    /// `from m import n`: the name `n` of module `m` (absolute).
    case importFrom(module: String, name: String)
    case definition(Int)
    case assignment(value: Range<Int>?, annotation: Range<Int>?, logicalLine: Int)
    case withItem(value: Range<Int>, logicalLine: Int)
    case parameter(Parameter, function: Int, position: Int)

    var logicalLine: Int? {
        switch self {
        case .assignment(_, _, let line), .withItem(_, let line): line
        default: nil
        }
    }
}

/// Where a name is bound: a scope (-1 for the module) and the name.
struct BindingKey: Hashable {
    var scope: Int
    var name: String

    init(_ scope: Int?, _ name: String) {
        self.scope = scope ?? -1
        self.name = name
    }
}

/// One parsed file of the app with its name bindings per scope. A class: the evaluator looks
/// modules up constantly and must not copy them.
final class ModuleInfo {
    /// Dotted module name, e.g. `app.api.search` (`app` for `app/__init__.py`).
    var name: String
    var isPackage: Bool
    /// Relative to the app root, `/` separators.
    var path: String
    var module: PythonModule
    /// Names this module binds by importing from a watched package (`from time import sleep
    /// as nap` binds `nap`): calls through them are resolved whatever their last name.
    private(set) var watchedImports: Set<String> = []
    /// Whether the module imports redis (whose clients make every method a dependency call).
    private(set) var importsRedis = false

    /// Modules this one imports `*` from at module level, absolute, in source order.
    private(set) var starImports: [String] = []

    /// Bindings per scope and name, in source order.
    private(set) var bindingTable: [BindingKey: [Binding]] = [:]

    func bindings(_ scope: Int?, _ name: String) -> [Binding]? { bindingTable[BindingKey(scope, name)] }

    /// The package that relative imports in this module start from.
    var package: String {
        if isPackage { return name }
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    init(name: String, isPackage: Bool, path: String, module: PythonModule) {
        self.name = name
        self.isPackage = isPackage
        self.path = path
        self.module = module
        indexBindings()
    }

    private func indexBindings() {
        for (index, definition) in module.definitions.enumerated() {
            add(definition.name, .definition(index), scope: definition.parent)
            if definition.isFunction {
                for (position, parameter) in definition.parameters.enumerated() {
                    add(parameter.name, .parameter(parameter, function: index, position: position), scope: index)
                }
            }
        }
        for scoped in module.statements {
            switch scoped.statement {
            case .assignment(let assignment):
                // `open_func = open`, `nap = time.sleep`: calls through such names are watched too.
                if let value = assignment.value, value.count % 2 == 1, module.code[value.lowerBound].kind == .name,
                    value.count == 1 || module.isOp(value.lowerBound + 1, ".")
                {
                    let first = module.text(value.lowerBound)
                    let last = module.text(value.upperBound - 1)
                    if Catalog.dependencyNames.contains(last) || watchedImports.contains(first) || watchedImports.contains(last) {
                        for target in assignment.targets { watchedImports.insert(String(target.split(separator: ".").last ?? "")) }
                    }
                }
                for target in assignment.targets where !target.utf8.contains(UInt8(ascii: ".")) {
                    add(target, .assignment(value: assignment.value, annotation: assignment.annotation, logicalLine: assignment.logicalLine), scope: scoped.scope)
                }
            case .importModules(let statement):
                for item in statement.names {
                    let source = statement.isFrom ? resolveRelative(module: statement.module, level: statement.level) : item.name
                    let package = String(source.split(separator: ".").first ?? "")
                    if Catalog.watchedPackages.contains(package) {
                        watchedImports.insert(statement.isFrom ? (item.alias ?? item.name) : item.boundName)
                        if package == "redis" { importsRedis = true }
                    }
                    if statement.isFrom {
                        guard item.name != "*" else {
                            if scoped.scope == nil { starImports.append(resolveRelative(module: statement.module, level: statement.level)) }
                            continue
                        }
                        let base = resolveRelative(module: statement.module, level: statement.level)
                        add(item.alias ?? item.name, .importFrom(module: base, name: item.name), scope: scoped.scope)
                    } else if let alias = item.alias {
                        add(alias, .importModule(item.name), scope: scoped.scope)
                    } else {
                        let head = String(item.name.split(separator: ".").first ?? "")
                        add(head, .importModule(head), scope: scoped.scope)
                    }
                }
            case .withBinding(let name, let value, let line):
                add(name, .withItem(value: value, logicalLine: line), scope: scoped.scope)
            case .loopBinding(let names, _, let line):
                for name in names { add(name, .assignment(value: nil, annotation: nil, logicalLine: line), scope: scoped.scope) }
            case .returnValue: break
            }
        }
    }

    private func add(_ name: String, _ binding: Binding, scope: Int?) {
        bindingTable[BindingKey(scope, name), default: []].append(binding)
    }

    /// `from ..x import y` in `a.b.c` → `a.x`.
    func resolveRelative(module: String, level: Int) -> String {
        guard level > 0 else { return module }
        var parts = package.split(separator: ".").map(String.init)
        for _ in 1..<level where !parts.isEmpty { parts.removeLast() }
        if !module.isEmpty { parts.append(module) }
        return parts.joined(separator: ".")
    }
}

/// Every module of the app, by dotted name.
struct ProjectIndex {
    var modules: [ModuleInfo] = []
    var moduleByName: [String: Int] = [:]

    /// The scanned folder's own package (`site-packages/shop` → `shop`), empty when the
    /// folder is no package. Module names stay relative to the folder (they name the app
    /// objects, which are started from it); each module is also found by its absolute name, so
    /// `from shop.web import views` resolves whichever folder the user gave.
    var packagePrefix = ""

    init(packagePrefix: String = "") {
        self.packagePrefix = packagePrefix
    }

    mutating func add(_ info: ModuleInfo) {
        moduleByName[info.name] = modules.count
        if !packagePrefix.isEmpty {
            let absolute = info.name.isEmpty ? packagePrefix : packagePrefix + "." + info.name
            if moduleByName[absolute] == nil { moduleByName[absolute] = modules.count }
        }
        // A `src/` layout: `src/pkg/x.py` is imported as `pkg.x`.
        if info.name.hasPrefix("src."), moduleByName[String(info.name.dropFirst(4))] == nil {
            moduleByName[String(info.name.dropFirst(4))] = modules.count
        }
        modules.append(info)
    }

    /// The dotted package that the scanned folder itself is, when it holds an `__init__.py`
    /// (`site-packages/netbox/netbox` → `netbox.netbox`... up to the first folder that is not
    /// a package), so `from <pkg>.web import main` resolves whichever folder the user gave.
    static func packagePrefix(of root: URL) -> String {
        var parts: [String] = []
        var folder = root.standardizedFileURL
        while FileManager.default.fileExists(atPath: folder.appendingPathComponent("__init__.py").path) {
            let name = folder.lastPathComponent
            guard !name.isEmpty, name != "/", parts.count < 32 else { break }
            parts.insert(name, at: 0)
            folder = folder.deletingLastPathComponent()
        }
        return parts.joined(separator: ".")
    }

    func definition(_ ref: DefRef) -> Definition { modules[ref.module].module.definitions[ref.definition] }

    /// Module name for a relative path: `app/api/search.py` → `app.api.search`, `app/__init__.py` → `app`.
    static func moduleName(for path: String) -> (name: String, isPackage: Bool) {
        var parts = path.split(separator: "/").map(String.init)
        guard var last = parts.popLast() else { return ("", false) }
        if last.hasSuffix(".py") { last.removeLast(3) }
        if last == "__init__" { return (parts.joined(separator: "."), true) }
        parts.append(last)
        return (parts.joined(separator: "."), false)
    }
}

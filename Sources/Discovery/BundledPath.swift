import PythonSource

/// Decides whether the path a file open reads is one the app ships: a template, a static file,
/// bundled data. httpbin's `open(os.path.join(tmpl_dir, filename))`, with `tmpl_dir` built
/// from `__file__`, is the case that made chaos fault a file that never fails in production.
///
/// The test is syntactic and follows names: the path expression, or any assignment, default
/// or import a name in it comes from (a few steps deep, across modules), mentions the module's
/// own location (`__file__`, `__path__`), a framework's folder (`root_path`, `static_folder`,
/// Django's `BASE_DIR`), a package-resource API, or is a relative string literal. Anything
/// else, such as a path from configuration or from the request, stays a real file open.
struct BundledPath {
    let project: ProjectIndex
    let evaluator: Evaluator

    /// Names that only ever denote the app's own folders.
    static let folderNames: Set<String> = [
        "__file__", "__path__", "root_path", "static_folder", "template_folder", "instance_path", "BASE_DIR",
        "STATIC_ROOT", "STATICFILES_DIRS", "resource_filename", "resource_stream", "resource_string", "get_data",
    ]
    /// `importlib.resources` functions, recognised after `resources.` or `importlib_resources.`.
    static let resourceFunctions: Set<String> = [
        "files", "open_text", "open_binary", "read_text", "read_binary", "path", "as_file",
    ]

    private static let maxDepth = 6

    /// Whether the first argument (or `file=`) of the open at `call` is a bundled path.
    func isBundled(module: Int, call: Call, scope: Int?) -> Bool {
        guard let argument = call.keyword("file") ?? call.positional.first else { return false }
        var visited: Set<Visit> = []
        return derivesFromApp(argument.value, module: module, scope: scope, depth: 0, visited: &visited)
    }

    private struct Visit: Hashable {
        var module: Int
        var start: Int
    }

    private func derivesFromApp(
        _ range: Range<Int>, module: Int, scope: Int?, depth: Int, visited: inout Set<Visit>
    ) -> Bool {
        guard depth <= Self.maxDepth, !range.isEmpty, visited.insert(Visit(module: module, start: range.lowerBound)).inserted
        else { return false }
        let source = project.modules[module].module
        if range.count == 1, source.code[range.lowerBound].kind == .string {
            // A relative literal is resolved against the working folder, which is the app's
            // own; an absolute one may be a mounted volume and stays a real open.
            guard let text = source.stringValue(range) else { return false }
            return !text.isEmpty && !text.hasPrefix("/") && !text.hasPrefix("~")
        }
        for index in range where source.code[index].kind == .name {
            let name = source.text(index)
            let afterDot = index > range.lowerBound && source.isOp(index - 1, ".")
            if Self.folderNames.contains(name) { return true }
            if afterDot, Self.resourceFunctions.contains(name), index >= 2,
                source.isName(index - 2, "resources") || source.isName(index - 2, "importlib_resources")
            {
                return true
            }
            if afterDot { continue }
            if follow(name, module: module, scope: scope, line: source.code[index].start.line, depth: depth, visited: &visited) {
                return true
            }
        }
        return false
    }

    /// Follows a bare name to where it is bound, walking out through enclosing scopes as
    /// Python does, and through `from m import name` to the other module.
    private func follow(
        _ name: String, module: Int, scope: Int?, line: Int, depth: Int, visited: inout Set<Visit>
    ) -> Bool {
        let info = project.modules[module]
        let definitions = info.module.definitions
        var current = scope
        while true {
            let isClassScope = current.map { definitions[$0].kind == .class } ?? false
            if current == scope || !isClassScope, let bindings = info.bindings(current, name), !bindings.isEmpty {
                for binding in bindings {
                    if follow(binding, name: name, module: module, scope: current, depth: depth, visited: &visited) {
                        return true
                    }
                }
                return false
            }
            guard let index = current else { return false }
            current = definitions[index].parent
        }
    }

    private func follow(
        _ binding: Binding, name: String, module: Int, scope: Int?, depth: Int, visited: inout Set<Visit>
    ) -> Bool {
        switch binding {
        case .assignment(let value?, _, _), .withItem(let value, _):
            return derivesFromApp(value, module: module, scope: scope, depth: depth + 1, visited: &visited)
        case .parameter(let parameter, let function, _):
            guard let defaultValue = parameter.defaultValue else { return false }
            let parent = project.modules[module].module.definitions[function].parent
            return derivesFromApp(defaultValue, module: module, scope: parent, depth: depth + 1, visited: &visited)
        case .importFrom(let moduleName, let member):
            guard depth < Self.maxDepth, let target = evaluator.resolveModule(moduleName, from: module), target != module,
                let bindings = project.modules[target].bindings(nil, member)
            else { return false }
            return bindings.contains {
                follow($0, name: member, module: target, scope: nil, depth: depth + 1, visited: &visited)
            }
        default:
            return false
        }
    }
}

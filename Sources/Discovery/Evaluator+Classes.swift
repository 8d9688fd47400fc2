import PythonSource

/// What the evaluator knows of the app's class hierarchy: bases as written, framework
/// subclasses, and the one override of an abstract method.
extension Evaluator {
    /// A class's base as written in its `class` line: `GraphQLServer[RequestContext]`
    /// (a generic base) is `GraphQLServer`.
    func baseClass(_ range: Range<Int>, module: Int, scope: Int?) -> Value {
        let code = project.modules[module].module
        if range.count > 2, code.isOp(range.upperBound - 1, "]") {
            let open = Int(code.matchingBracket[range.upperBound - 1])
            if open > range.lowerBound, code.isOp(open, "[") { return evaluate(range.lowerBound..<open, module: module, scope: scope) }
        }
        return evaluate(range, module: module, scope: scope)
    }

    func isAbstract(_ method: DefRef) -> Bool {
        let code = project.modules[method.module].module
        return project.definition(method).decorators.contains {
            let text = code.text(code.logicalLines[$0].range)
            return text == "@abstractmethod" || text == "@abc.abstractmethod"
        }
    }

    /// The one method named `name` defined by a class below `base` in the app, if exactly one.
    func soleOverride(of name: String, below base: DefRef) -> DefRef? {
        var found: [DefRef] = []
        for subclass in subclasses(of: base) {
            let info = project.modules[subclass.module]
            for (index, item) in info.module.definitions.enumerated() where item.parent == subclass.definition && item.isFunction && item.name == name {
                found.append(DefRef(module: subclass.module, definition: index))
            }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Every app class deriving from `base`, directly or not (the index is built on first use).
    func subclasses(of base: DefRef) -> [DefRef] {
        if directSubclasses == nil {
            var index: [DefRef: [DefRef]] = [:]
            for (moduleIndex, info) in project.modules.enumerated() {
                for (definitionIndex, item) in info.module.definitions.enumerated() where item.kind == .class {
                    for baseRange in item.bases {
                        if case .definition(let parent) = baseClass(baseRange, module: moduleIndex, scope: item.parent),
                            project.definition(parent).kind == .class
                        {
                            index[parent, default: []].append(DefRef(module: moduleIndex, definition: definitionIndex))
                        }
                    }
                }
            }
            directSubclasses = index
        }
        var result: [DefRef] = []
        var queue = directSubclasses?[base] ?? []
        var seen: Set<DefRef> = [base]
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            result.append(next)
            queue += directSubclasses?[next] ?? []
        }
        return result
    }

    /// The framework class an app class derives from (`class AdminRouter(APIRouter)`,
    /// through app base classes too), if any.
    func frameworkKind(ofClass ref: DefRef) -> FrameworkRegistry.Kind? {
        if let known = frameworkKinds[ref] { return known }
        frameworkKinds[ref] = .some(nil)  // a class hierarchy that loops back is no framework class
        var found: FrameworkRegistry.Kind?
        let definition = project.definition(ref)
        for base in definition.bases {
            switch baseClass(base, module: ref.module, scope: definition.parent) {
            case .external(let name): found = FrameworkRegistry.constructors[Catalog.canonical(name)]
            case .definition(let baseRef) where project.definition(baseRef).kind == .class: found = frameworkKind(ofClass: baseRef)
            default: break
            }
            if found != nil { break }
        }
        frameworkKinds[ref] = .some(found)
        return found
    }
}

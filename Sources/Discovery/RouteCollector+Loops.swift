import Artifacts
import PythonSource

extension RouteCollector {
    /// Loop variables bound to one element's values while a registration is read.
    typealias LoopContext = [(name: String, module: Int, scope: Int?, value: Value)]

    struct LoopStatement {
        var names: [String]
        var iterable: Range<Int>
        var scope: Int?
    }

    /// More combinations than this (nested loops over long tuples) are reported, not expanded.
    static let maximumLoopContexts = 256

    /// The bindings a registration is read under: one empty context outside loops; inside
    /// `for router in (a, b):` (or over a name bound to such a tuple or list) one per element.
    /// Nil, with a diagnostic, when a loop's elements are known only at run time.
    mutating func loopContexts(_ call: Call, module: Int, report: Bool) -> [LoopContext]? {
        let code = project.modules[module].module
        var contexts: [LoopContext] = [[]]
        var header = code.enclosingHeaders[call.logicalLine]
        while let line = header {
            let keyword = code.logicalLines[line].keyword
            if keyword == .def || keyword == .class { break }
            if keyword == .while {
                if report { diagnostics.append(dynamic(module: module, line: call.line, "the route is registered inside a `while` loop")) }
                return nil
            }
            if keyword == .for {
                guard let expanded = expand(contexts, loopAt: line, module: module), expanded.count <= Self.maximumLoopContexts else {
                    if report {
                        diagnostics.append(
                            dynamic(module: module, line: call.line, "the route is registered inside a loop over values known only at run time"))
                    }
                    return nil
                }
                contexts = expanded
            }
            header = code.enclosingHeaders[line]
        }
        return contexts
    }

    /// More calls of one helper than this are not followed one by one.
    static let maximumCallerContexts = 64

    /// For a registration inside a plain function that depends on the function's parameters
    /// (its receiver, or a parameter named in its arguments), one context per call of the
    /// function in the app, binding the parameters to what that call passes (read under the
    /// call's own loops). Nil when the registration does not depend on parameters or the
    /// function has no caller the scan can see.
    mutating func callerContexts(_ call: Call, module: Int, receiverIsObject: Bool) -> [LoopContext]? {
        let code = project.modules[module].module
        guard let scope = code.scope(ofCode: call.calleeStart), code.definitions[scope].isFunction else { return nil }
        let function = DefRef(module: module, definition: scope)
        let definition = code.definitions[scope]
        if let parent = definition.parent, code.definitions[parent].kind == .class { return nil }
        let parameters = definition.parameters.enumerated().filter { $0.element.stars == 0 }
        let names = Set(parameters.map(\.element.name))
        guard !names.isEmpty else { return nil }
        let receiverName = code.code[call.calleeStart].kind == .name ? code.text(call.calleeStart) : ""
        let usesParameter = (call.open + 1..<call.close).contains { code.code[$0].kind == .name && names.contains(code.text($0)) }
        guard names.contains(receiverName) || (receiverIsObject && usesParameter) else { return nil }
        let sites = evaluator.callSites(named: definition.name).filter { site in
            guard case .definition(let callee) = evaluator.callee(module: site.module, call: site.call), callee == function else { return false }
            let siteCode = project.modules[site.module].module
            return !(site.module == module && siteCode.scope(ofCode: siteCode.calls[site.call].calleeStart) == scope)
        }
        guard !sites.isEmpty, sites.count <= Self.maximumCallerContexts else { return nil }
        var contexts: [LoopContext] = []
        for site in sites {
            let siteCode = project.modules[site.module].module
            let siteCall = siteCode.calls[site.call]
            guard !siteCall.arguments.contains(where: { $0.stars > 0 }) else { continue }
            let siteScope = siteCode.scope(ofCode: siteCall.calleeStart)
            for siteContext in loopContexts(siteCall, module: site.module, report: false) ?? [[]] {
                let bound: LoopContext = evaluator.withLoopValues(siteContext) {
                    parameters.compactMap { position, parameter in
                        guard let argument = siteCall.keyword(parameter.name) ?? (position < siteCall.positional.count ? siteCall.positional[position] : nil)
                        else { return nil }
                        let value = evaluator.evaluate(argument.value, module: site.module, scope: siteScope)
                        return value == .unknown ? nil : (name: parameter.name, module: module, scope: scope, value: value)
                    }
                }
                contexts.append(bound)
                if contexts.count > Self.maximumLoopContexts { return nil }
            }
        }
        return contexts.isEmpty ? nil : contexts
    }

    /// Whether a `for` or `while` loop (in the same function) holds the call.
    func isInLoop(_ call: Call, module: Int) -> Bool {
        let code = project.modules[module].module
        var header = code.enclosingHeaders[call.logicalLine]
        while let line = header {
            let keyword = code.logicalLines[line].keyword
            if keyword == .def || keyword == .class { return false }
            if keyword == .for || keyword == .while { return true }
            header = code.enclosingHeaders[line]
        }
        return false
    }

    /// Each context times each element of the loop at `line`.
    private mutating func expand(_ contexts: [LoopContext], loopAt line: Int, module: Int) -> [LoopContext]? {
        guard let loop = loopStatement(at: line, module: module) else { return nil }
        guard let source = iterableElements(loop.iterable, module: module, scope: loop.scope) else {
            // `for route in routes:` over a parameter a caller bound to a list of strings.
            guard loop.names.count == 1 else { return nil }
            var expanded: [LoopContext] = []
            for context in contexts {
                guard case .stringList(let items) = evaluator.withLoopValues(context, { evaluator.evaluate(loop.iterable, module: module, scope: loop.scope) })
                else { return nil }
                for item in items { expanded.append(context + [(name: loop.names[0], module: module, scope: loop.scope, value: .string(item))]) }
            }
            return expanded
        }
        var expanded: [LoopContext] = []
        for context in contexts {
            for element in source.elements {
                let values: [Value]? = evaluator.withLoopValues(context) {
                    if loop.names.count == 1 { return [evaluator.evaluate(element, module: source.module, scope: source.scope)] }
                    guard let parts = evaluator.elements(element, module: source.module), parts.count == loop.names.count else { return nil }
                    return parts.map { evaluator.evaluate($0, module: source.module, scope: source.scope) }
                }
                guard let values else { return nil }
                expanded.append(context + zip(loop.names, values).map { (name: $0, module: module, scope: loop.scope, value: $1) })
            }
        }
        return expanded
    }

    /// The `for` statement at a logical line, from a per-module index built on first use (a
    /// search of every statement per call would make large files quadratic).
    private mutating func loopStatement(at line: Int, module: Int) -> LoopStatement? {
        if loopIndex[module] == nil {
            var index: [Int: LoopStatement] = [:]
            for scoped in project.modules[module].module.statements {
                if case .loopBinding(let names, let iterable?, let logicalLine) = scoped.statement {
                    index[logicalLine] = LoopStatement(names: names, iterable: iterable, scope: scoped.scope)
                }
            }
            loopIndex[module] = index
        }
        return loopIndex[module]?[line]
    }

    /// The elements of a loop's iterable: a literal tuple or list, or a name assigned one.
    private func iterableElements(_ range: Range<Int>, module: Int, scope: Int?) -> (elements: [Range<Int>], module: Int, scope: Int?)? {
        if let elements = evaluator.elements(range, module: module) { return (elements, module, scope) }
        let code = project.modules[module].module
        // `for module in get_submodules():` where the app's function returns a literal list.
        if let call = code.calls.first(where: { $0.calleeStart == range.lowerBound && $0.close == range.upperBound - 1 }),
            call.arguments.isEmpty,
            case .definition(let function) = evaluator.evaluate(call.calleeStart..<call.open, module: module, scope: scope),
            project.definition(function).isFunction
        {
            let body = project.modules[function.module].module
            let returns = body.statements.compactMap { scoped -> Range<Int>? in
                guard scoped.scope == function.definition, case .returnValue(let value, _) = scoped.statement else { return nil }
                return value
            }
            if returns.count == 1, let elements = evaluator.elements(returns[0], module: function.module) {
                return (elements, function.module, function.definition)
            }
        }
        guard range.count == 1, code.code[range.lowerBound].kind == .name,
            let (valueModule, valueScope, value) = assignedRange(code.text(range.lowerBound), module: module, scope: scope),
            let elements = evaluator.elements(value, module: valueModule)
        else { return nil }
        return (elements, valueModule, valueScope)
    }
}

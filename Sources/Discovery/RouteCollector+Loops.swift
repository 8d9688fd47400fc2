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
        guard let loop = loopStatement(at: line, module: module), let source = iterableElements(loop.iterable, module: module, scope: loop.scope) else { return nil }
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
        guard range.count == 1, code.code[range.lowerBound].kind == .name,
            let (valueModule, valueScope, value) = assignedRange(code.text(range.lowerBound), module: module, scope: scope),
            let elements = evaluator.elements(value, module: valueModule)
        else { return nil }
        return (elements, valueModule, valueScope)
    }
}

import PythonSource

/// Finds the database and queue calls an app makes through ORMs and framework objects, whose
/// chains the evaluator cannot follow on its own: `db.session.execute(...)` (Flask-SQLAlchemy),
/// `session.query(User).filter(...).first()`, `Article.objects.filter(...).count()` (Django),
/// `send_mail.delay(...)` (Celery). The head of a chain is evaluated as usual; the rest is read
/// step by step through a small state machine, and any step it does not know ends the chain
/// with no answer (a call is never guessed to be a dependency).
final class OrmCallResolver {
    private let project: ProjectIndex
    private let evaluator: Evaluator
    private var djangoModels: [DefRef: Bool] = [:]
    private var flaskModels: [DefRef: Bool] = [:]
    private var celeryTasks: [DefRef: Bool] = [:]

    init(project: ProjectIndex, evaluator: Evaluator) {
        self.project = project
        self.evaluator = evaluator
    }

    /// What a chain step has been proved to be.
    private enum State {
        case value(Value)
        /// A SQLAlchemy session (or Flask-SQLAlchemy's scoped `db.session`).
        case session(library: String)
        /// A SQLAlchemy `Query` being built; its terminal methods run it.
        case query(library: String)
        /// A Django manager or queryset; its terminal methods run it.
        case djangoQuery
    }

    /// One step of a callee chain after its head name.
    private enum Step {
        case attribute(String)
        case call(Int)
    }

    /// Last names worth a look: only calls ending in one of them can be an ORM or task call
    /// (`send_task` is the catalog's, but its receiver is rarely imported from celery itself).
    static let candidateNames: Set<String> =
        Catalog.sessionMethods.union(Catalog.queryTerminals).union(Catalog.djangoTerminals)
        .union(Catalog.flaskDatabaseMethods).union(Catalog.celerySendMethods).union(Catalog.djangoInstanceMethods)
        .union(["atomic", "send_task"])

    /// The catalog entry of a call, when its chain is proved to reach an ORM or a task queue.
    func entry(module: Int, call callIndex: Int) -> Catalog.Entry? {
        let code = project.modules[module].module
        let call = code.calls[callIndex]
        guard case .name(let method) = call.chain.last, Self.candidateNames.contains(method) else { return nil }
        let scope = code.scope(ofCode: call.calleeStart)
        guard let steps = Self.steps(code, call.calleeStart..<call.open, evaluator: evaluator, module: module),
            case .attribute(let last)? = steps.last
        else {
            return nil
        }
        let head = call.calleeStart..<(call.calleeStart + 1)
        var headValue = evaluator.evaluate(head, module: module, scope: scope)
        if headValue == .unknown { headValue = aliasedParameter(code.text(call.calleeStart), module: module, scope: scope) }
        var state = State.value(headValue)
        for step in steps.dropLast() {
            guard let next = advance(state, step, module: module, scope: scope) else { return nil }
            state = next
        }
        if last == "atomic", case .value(.external(let name)) = state, name == "django.db.transaction" {
            // `with transaction.atomic():` opens a transaction, a round trip; as a decorator it
            // only wraps the function.
            let line = code.logicalLines[call.logicalLine]
            return line.keyword == .with ? Catalog.Entry(kind: .database, library: "django") : nil
        }
        if case .value(.unknown) = state, steps.count == 1, Catalog.djangoInstanceMethods.contains(last),
            fetchesDjangoRow(code.text(call.calleeStart), module: module, scope: scope)
        {
            return Catalog.Entry(kind: .database, library: "django")
        }
        return terminal(state, last)
    }

    /// A parameter annotated with a type alias, `session: SessionDep` where
    /// `SessionDep = Annotated[Session, Depends(get_db)]` (in this module or imported from
    /// another): the instance the alias stands for. The evaluator reads annotations written
    /// out, not aliases of them.
    private func aliasedParameter(_ name: String, module: Int, scope: Int?) -> Value {
        let info = project.modules[module]
        guard let scope, let bindings = info.bindings(scope, name), bindings.count == 1,
            case .parameter(let parameter, _, _) = bindings[0], let annotation = parameter.annotation, annotation.count == 1,
            info.module.code[annotation.lowerBound].kind == .name
        else { return .unknown }
        var aliasModule = module
        var aliasName = info.module.text(annotation.lowerBound)
        // Follow `from .deps import SessionDep` one module at a time, a few hops at most.
        for _ in 0..<4 {
            guard let binding = project.modules[aliasModule].bindings(nil, aliasName)?.last else { return .unknown }
            switch binding {
            case .assignment(let value?, _, _):
                return evaluator.instance(ofAnnotation: value, module: aliasModule, scope: nil)
            case .importFrom(let source, let member):
                guard let next = evaluator.resolveModule(source, from: aliasModule) else { return .unknown }
                aliasModule = next
                aliasName = member
            default:
                return .unknown
            }
        }
        return .unknown
    }

    /// Whether a local name's one assignment in its function is a row fetched through the Django
    /// ORM (`item = Item.objects.get(pk=1)`, `get_object_or_404(Item, ...)`): an instance of a
    /// model, so its `save()` and `delete()` write to the database.
    private func fetchesDjangoRow(_ name: String, module: Int, scope: Int?) -> Bool {
        let info = project.modules[module]
        guard let scope, let bindings = info.bindings(scope, name), bindings.count == 1,
            case .assignment(let value?, _, _) = bindings[0], value.count > 2, info.module.isOp(value.upperBound - 1, ")"),
            let callIndex = evaluator.callIndex(module: module, open: Int(info.module.matchingBracket[value.upperBound - 1])),
            info.module.calls[callIndex].calleeStart == value.lowerBound,
            case .name(let method) = info.module.calls[callIndex].chain.last
        else { return false }
        if case .external(let function) = evaluator.callee(module: module, call: callIndex) {
            return function == "django.shortcuts.get_object_or_404"
        }
        return Catalog.djangoRowFetches.contains(method) && entry(module: module, call: callIndex)?.library == "django"
    }

    /// Splits `a.b(x).c` (after its head name) into steps; nil when a subscript or anything but
    /// names, dots and calls appears.
    private static func steps(_ code: PythonModule, _ range: Range<Int>, evaluator: Evaluator, module: Int) -> [Step]? {
        guard code.code[range.lowerBound].kind == .name else { return nil }
        var steps: [Step] = []
        var index = range.lowerBound + 1
        while index < range.upperBound {
            if code.isOp(index, "."), index + 1 < range.upperBound, code.code[index + 1].kind == .name {
                steps.append(.attribute(code.text(index + 1)))
                index += 2
            } else if code.isOp(index, "("), let call = evaluator.callIndex(module: module, open: index) {
                steps.append(.call(call))
                index = code.calls[call].close + 1
            } else {
                return nil
            }
        }
        return steps
    }

    private func advance(_ state: State, _ step: Step, module: Int, scope: Int?) -> State? {
        switch (state, step) {
        case (.session(let library), .attribute("query")):
            return .query(library: library)
        case (.query(let library), .call):
            return .query(library: library)
        case (.query(let library), .attribute(let name)) where Catalog.queryBuilders.contains(name):
            return .query(library: library)
        case (.djangoQuery, .call):
            return .djangoQuery
        case (.djangoQuery, .attribute(let name)) where Catalog.djangoQueryBuilders.contains(name):
            return .djangoQuery
        case (.value(let value), .attribute(let name)):
            if let special = attribute(of: value, name) { return special }
            let next = evaluator.attribute(value, name, module: module)
            return next == .unknown ? nil : .value(next)
        case (.value(let value), .call(let call)):
            let next = evaluator.callResult(of: value, module: module, call: call, scope: scope)
            return next == .unknown ? nil : .value(next)
        default:
            return nil
        }
    }

    /// The ORM objects reached from a plain value by one attribute.
    private func attribute(of value: Value, _ name: String) -> State? {
        switch value {
        case .instance(.external("flask_sqlalchemy.SQLAlchemy"), _) where name == "session":
            return .session(library: "flask_sqlalchemy")
        case .instance(.external(let type), _) where Catalog.sessionTypes.contains(type) && name == "query":
            return .query(library: "sqlalchemy")
        case .definition(let ref) where name == "query" && isFlaskModel(ref):
            return .query(library: "flask_sqlalchemy")
        case .definition(let ref) where Catalog.djangoManagers.contains(name) && isDjangoModel(ref):
            return .djangoQuery
        case .external(let type) where Catalog.djangoManagers.contains(name) && Catalog.djangoModelClasses.contains(type):
            return .djangoQuery
        default:
            return nil
        }
    }

    /// The entry of the method a chain ends in, called on what the chain has proved.
    private func terminal(_ state: State, _ method: String) -> Catalog.Entry? {
        switch state {
        case .session(let library) where Catalog.sessionMethods.contains(method):
            return Catalog.Entry(kind: .database, library: library)
        case .value(.instance(.external(let type), _)) where Catalog.sessionTypes.contains(type) && Catalog.sessionMethods.contains(method):
            // A session the catalog did not see: one typed through an annotation alias.
            return Catalog.Entry(kind: .database, library: "sqlalchemy")
        case .query(let library) where Catalog.queryTerminals.contains(method):
            return Catalog.Entry(kind: .database, library: library)
        case .djangoQuery where Catalog.djangoTerminals.contains(method):
            return Catalog.Entry(kind: .database, library: "django")
        case .value(.instance(.external("flask_sqlalchemy.SQLAlchemy"), _)) where Catalog.flaskDatabaseMethods.contains(method):
            return Catalog.Entry(kind: .database, library: "flask_sqlalchemy")
        case .value(.instance(.app(let ref), _)) where Catalog.djangoInstanceMethods.contains(method) && isDjangoModel(ref):
            return Catalog.Entry(kind: .database, library: "django")
        case .value(.definition(let ref)) where Catalog.celerySendMethods.contains(method) && isCeleryTask(ref):
            return Catalog.Entry(kind: .queue, library: "celery")
        default:
            return nil
        }
    }

    // MARK: - Classes and tasks

    /// Whether an app class derives, through app classes, from one of the named library classes.
    private func derives(_ ref: DefRef, cache: inout [DefRef: Bool], matches: (Value) -> Bool) -> Bool {
        if let known = cache[ref] { return known }
        cache[ref] = false  // a hierarchy that loops back proves nothing
        let definition = project.definition(ref)
        guard definition.kind == .class else { return false }
        var found = false
        for base in definition.bases {
            let value = evaluator.baseClass(base, module: ref.module, scope: definition.parent)
            if matches(value) {
                found = true
            } else if case .definition(let parent) = value, project.definition(parent).kind == .class {
                found = derives(parent, cache: &cache, matches: matches)
            }
            if found { break }
        }
        cache[ref] = found
        return found
    }

    func isDjangoModel(_ ref: DefRef) -> Bool {
        derives(ref, cache: &djangoModels) { value in
            if case .external(let name) = value { return Catalog.djangoModelClasses.contains(Catalog.canonical(name)) }
            return false
        }
    }

    /// A subclass of `db.Model` where `db` is a Flask-SQLAlchemy extension.
    func isFlaskModel(_ ref: DefRef) -> Bool {
        derives(ref, cache: &flaskModels) { value in
            if case .boundMethod(.external("flask_sqlalchemy.SQLAlchemy"), "Model", _) = value { return true }
            return false
        }
    }

    /// A function decorated `@shared_task`, `@app.task` (app a `Celery`), with or without arguments.
    func isCeleryTask(_ ref: DefRef) -> Bool {
        if let known = celeryTasks[ref] { return known }
        let definition = project.definition(ref)
        var found = false
        if definition.isFunction {
            let code = project.modules[ref.module].module
            for lineIndex in definition.decorators {
                var range = code.logicalLines[lineIndex].range
                guard range.count > 1, code.isOp(range.lowerBound, "@") else { continue }
                range = (range.lowerBound + 1)..<range.upperBound
                let closing = range.upperBound - 1
                if code.isOp(closing, ")") {
                    let open = Int(code.matchingBracket[closing])
                    if open > range.lowerBound { range = range.lowerBound..<open }
                }
                switch evaluator.evaluate(range, module: ref.module, scope: definition.parent) {
                case .external(let name): found = Catalog.celeryTaskDecorators.contains(name)
                case .boundMethod(.external("celery.Celery"), "task", _): found = true
                default: found = false
                }
                if found { break }
            }
        }
        celeryTasks[ref] = found
        return found
    }
}

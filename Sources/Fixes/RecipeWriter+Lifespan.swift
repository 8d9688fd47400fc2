import Artifacts
import PythonSource

/// Client reuse for `httpx.AsyncClient` in a FastAPI or Starlette app: an async client belongs to
/// the event loop it was made on, so it is opened and closed in the app's lifespan rather than at
/// import time (where it outlives each loop and is never closed).
extension RecipeWriter {
    /// What a client-reuse recipe wrote (edits per file) or why it wrote nothing, and the shape it
    /// chose, for the rationale.
    struct ClientReuse {
        var edits: [String: [SourceEdit]]?
        var shape: String
    }

    static let lifespanClientNames = ["_http_client", "open_http_client", "close_http_client", "get_http_client"]

    /// The module-level holder of the app's async client: opened and closed by the lifespan,
    /// reached through `get_http_client()`, which says what is wrong when nothing opened it.
    static func asyncClientHolder(constructor: String, unit: String) -> [String] {
        [
            "# chaos-test fix: one AsyncClient for the app reuses connections. The app's lifespan opens it",
            "# and closes it, so it never outlives the event loop it was made on.",
            "_http_client: httpx.AsyncClient | None = None",
            "",
            "",
            "def open_http_client() -> None:",
            unit + "global _http_client",
            unit + "_http_client = \(constructor)",
            "",
            "",
            "async def close_http_client() -> None:",
            unit + "global _http_client",
            unit + "if _http_client is not None:",
            unit + unit + "await _http_client.aclose()",
            unit + unit + "_http_client = None",
            "",
            "",
            "def get_http_client() -> httpx.AsyncClient:",
            unit + "if _http_client is None:",
            unit + unit + "raise RuntimeError(\"the HTTP client is not open: the app's lifespan opens it with open_http_client()\")",
            unit + "return _http_client",
        ]
    }

    /// The app's lifespan function (`FastAPI(lifespan=name)`) and its bare `yield` statement.
    static func lifespanYield(app: AppObject, in file: EditableFile) -> (function: Definition, yield: Int)? {
        guard
            let constructor = file.module.calls.first(where: {
                $0.line == app.line && ($0.callee.hasSuffix("FastAPI") || $0.callee.hasSuffix("Starlette"))
            }),
            let value = constructor.keyword("lifespan")?.value, value.count == 1
        else { return nil }
        let name = file.module.text(value.lowerBound)
        guard let function = file.module.definitions.first(where: { $0.name == name && $0.parent == nil && $0.isAsync })
        else { return nil }
        // A bare `yield`: one that yields state would need the client in that state instead.
        let yields = function.body.lines.filter { index in
            let line = file.module.logicalLines[index]
            return file.module.isName(line.range.lowerBound, "yield")
                && line.range.filter { file.module.code[$0].kind != .newline }.count == 1
        }
        guard yields.count == 1 else { return nil }
        return (function, yields[0])
    }

    /// Opens the client before the lifespan's `yield` and closes it after, and imports both
    /// functions into the app's module.
    static func lifespanEdits(app: AppObject, clientModule: String, in file: EditableFile) -> [SourceEdit]? {
        guard let (_, yieldIndex) = lifespanYield(app: app, in: file),
            !lifespanClientNames.contains(where: { file.definesTopLevel($0) })
        else { return nil }
        let line = file.module.logicalLines[yieldIndex]
        let indent = String(decoding: file.indentation(ofLine: line.firstLine), as: UTF8.self)
        return [
            file.insertLines(
                [indent + "open_http_client()  # chaos-test fix: the shared HTTP client lives as long as the app"],
                before: line.firstLine),
            file.insertLines([indent + "await close_http_client()"], after: line.lastLine),
        ] + importEdits(["from \(clientModule) import close_http_client, open_http_client"], in: file)
    }

    /// The top-level `@app.on_event("<event>")` handler of the app's module.
    static func eventHandler(_ event: String, in file: EditableFile) -> Definition? {
        file.module.definitions.first { definition in
            definition.parent == nil && definition.isFunction
                && definition.decorators.contains { index in
                    let text = file.module.text(file.module.logicalLines[index].range)
                    return text.contains(".on_event(") && (text.contains("\"\(event)\"") || text.contains("'\(event)'"))
                }
        }
    }

    /// Opens the client in the app's startup handler and closes it in its shutdown handler (a new
    /// one when there is none), for an app that uses `@app.on_event` rather than a lifespan.
    static func onEventEdits(app: AppObject, clientModule: String, in file: EditableFile) -> [SourceEdit]? {
        guard !app.factory, let startup = eventHandler("startup", in: file), !startup.body.isInline else { return nil }
        let unit = String(decoding: file.indentUnit, as: UTF8.self)
        let nl = String(decoding: file.newline, as: UTF8.self)
        let indent = String(decoding: file.indentation(ofLine: startup.body.insertionLine), as: UTF8.self)
        var edits = [
            file.insertLines(
                [indent + "open_http_client()  # chaos-test fix: the shared HTTP client lives as long as the app"],
                before: startup.body.insertionLine)
        ]
        if let shutdown = eventHandler("shutdown", in: file) {
            guard shutdown.isAsync, !shutdown.body.isInline, let last = shutdown.body.lines.last else { return nil }
            let inner = String(decoding: file.indentation(ofLine: shutdown.body.insertionLine), as: UTF8.self)
            edits.append(file.insertLines([inner + "await close_http_client()"], after: file.module.logicalLines[last].lastLine))
        } else {
            let variable = String(app.id.split(separator: ":").last ?? "app")
            guard !file.definesTopLevel("close_shared_http_client") else { return nil }
            var text = ""
            if let last = file.raw.last, last != 0x0A { text += nl }
            text += nl + nl + "@\(variable).on_event(\"shutdown\")" + nl + "async def close_shared_http_client():" + nl
                + unit + "await close_http_client()" + nl
            edits.append(SourceEdit(range: file.raw.count..<file.raw.count, replacement: Array(text.utf8)))
        }
        return edits + importEdits(["from \(clientModule) import close_http_client, open_http_client"], in: file)
    }

    /// The dotted module a source file is imported as, relative to the app root.
    static func moduleName(_ path: String) -> String? {
        guard path.hasSuffix(".py") else { return nil }
        var parts = String(path.dropLast(3)).split(separator: "/").map(String.init)
        if parts.last == "__init__" { parts.removeLast() }
        return parts.isEmpty ? nil : parts.joined(separator: ".")
    }

    /// `async with httpx.AsyncClient() as c:` becomes `c = get_http_client()` with its block
    /// dedented, the holder goes into the client's module, and the lifespan opens and closes it.
    static func lifespanClient(
        header logical: Int, block: ClosedRange<Int>, name: String, seconds: Int, app: AppObject?, appFile: EditableFile?,
        in file: EditableFile
    ) -> ClientReuse {
        guard let app, [.fastapi, .starlette].contains(app.framework), let appFile else {
            return ClientReuse(
                edits: nil,
                shape: "chaos-test writes no diff: an AsyncClient must be opened and closed with the app's event loop, "
                    + "and no FastAPI or Starlette app object was found to hold it.")
        }
        let clientModule = moduleName(file.path)
        let free = appFile.path != file.path && lifespanClientNames.allSatisfy { !file.definesTopLevel($0) && !file.uses($0) }
        let inLifespan = clientModule.flatMap { free ? lifespanEdits(app: app, clientModule: $0, in: appFile) : nil }
        let inHandlers = clientModule.flatMap { free && inLifespan == nil ? onEventEdits(app: app, clientModule: $0, in: appFile) : nil }
        guard let lifespan = inLifespan ?? inHandlers else {
            return ClientReuse(
                edits: nil,
                shape: "chaos-test writes no diff: the app in \(app.file) has no `lifespan=` function with a bare `yield` "
                    + "and no `@app.on_event(\"startup\")` handler to open and close a shared AsyncClient in, and an "
                    + "import-time AsyncClient would outlive the event loop. Open one in a lifespan and pass it, or store "
                    + "it on `app.state`.")
        }
        let header = file.module.logicalLines[logical]
        guard !file.hasMultilineString(in: block), let body = file.dedented(block) else {
            return ClientReuse(edits: nil, shape: "chaos-test writes no diff: the client's block could not be dedented safely.")
        }
        let nl = String(decoding: file.newline, as: UTF8.self)
        let unit = String(decoding: file.indentUnit, as: UTF8.self)
        let indent = String(decoding: file.indentation(ofLine: header.firstLine), as: UTF8.self)
        var replacement = Array((indent + "\(name) = get_http_client()" + nl).utf8)
        replacement += body
        let range = file.lineRange(header.firstLine).lowerBound..<file.lineRange(block.upperBound).upperBound
        let constructor = "httpx.AsyncClient(timeout=httpx.Timeout(\(seconds).0))"
        let edits = [SourceEdit(range: range, replacement: replacement), file.addModuleLevel(asyncClientHolder(constructor: constructor, unit: unit))]
            + importEdits(["import httpx"], in: file)
        let hook = inLifespan != nil ? "the app's lifespan" : "the app's startup handler and closed in its shutdown handler"
        let shape =
            "The client is opened in \(hook)\(inLifespan != nil ? " and closed there" : "") (an AsyncClient belongs to the "
            + "event loop it was made on, so one built at import time outlives each loop and is never closed); call sites "
            + "reach it with `get_http_client()`. It has a \(seconds) s timeout."
        return ClientReuse(edits: [file.path: edits, appFile.path: lifespan], shape: shape)
    }
}

extension EditableFile {
    /// True when a name token `name` appears anywhere in the module.
    func uses(_ name: String) -> Bool {
        module.code.indices.contains { module.isName($0, name) }
    }
}

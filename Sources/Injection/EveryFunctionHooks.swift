import Artifacts

/// A test-only mode for the stdlib stress test: an entry hook in every function of a file,
/// placed by the same code as inject's handler hooks.
public enum EveryFunctionHooks {
    public struct Result: Sendable {
        /// nil when the file could not be read as Python (the diagnostics say why).
        public var bytes: [UInt8]?
        public var functions: Int
        public var hooked: Int
        public var diagnostics: [Diagnostic]
    }

    public static func inject(path: String, bytes: [UInt8]) -> Result {
        var rewriter: FileRewriter
        do { rewriter = try FileRewriter(path: path, bytes: bytes) } catch {
            return Result(
                bytes: nil, functions: 0, hooked: 0,
                diagnostics: [
                    Diagnostic(severity: .warning, file: path, line: error.line, column: 0, message: error.message)
                ])
        }
        let functions = rewriter.layout.definitions.filter { !$0.isClass }
        var hooked = 0
        for (order, function) in functions.enumerated() {
            let marker = PointID.short(
                PointID.make(kind: .handler, file: path, qualname: function.qualname, callee: "entry", ordinal: order))
            if rewriter.addEntryHook(defLine: function.line, marker: marker, order: order) { hooked += 1 }
        }
        return Result(
            bytes: rewriter.render().bytes, functions: functions.count, hooked: hooked,
            diagnostics: rewriter.diagnostics)
    }
}

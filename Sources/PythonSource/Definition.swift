/// A `def`, `async def` or `class`, with the spans a rewriter needs to insert code into its body.
public struct Definition: Sendable {
    public enum Kind: String, Sendable { case function, asyncFunction, `class` }

    public var kind: Kind
    public var name: String
    /// CPython's `__qualname__`: `Outer.method`, `outer.<locals>.inner`.
    public var qualname: String
    /// Index of the enclosing definition in `PythonModule.definitions`.
    public var parent: Int?
    /// Logical line indices of the decorators, in source order.
    public var decorators: [Int]
    /// Logical line index of the header (`def ...:`).
    public var header: Int
    /// The physical line of `def`, of `async` for `async def`, of `class`.
    public var line: Int
    /// Index in `code` of the name token.
    public var nameToken: Int
    /// For functions: the parameters; for classes: the base class expressions as code ranges.
    public var parameters: [Parameter]
    public var bases: [Range<Int>]
    public var body: Body

    public var isAsync: Bool { kind == .asyncFunction }
    public var isFunction: Bool { kind != .class }
}

/// The body of a definition.
public struct Body: Sendable {
    /// True for `def f(): return 1`, where the body follows the colon on the header's line.
    public var isInline: Bool
    /// Logical lines of the body (for an inline body, just the header's own index).
    public var lines: Range<Int>
    /// The body's indentation (bytes of the first body line's leading white space); empty when inline.
    public var indent: Range<Int>
    /// Byte range of the docstring literal(s), when the first statement is a string.
    public var docstring: Range<Int>?
    /// Where a statement meant to run first goes: the 1-based physical line before which it is
    /// inserted (after the docstring). For a body that is only a docstring, the line after it.
    public var insertionLine: Int
    /// The byte offset at which that line starts (or the end of the docstring line for a
    /// docstring-only body, i.e. the start of the following line).
    public var insertionOffset: Int
}

/// One function parameter.
public struct Parameter: Sendable {
    public var name: String
    /// `*args` → 1, `**kwargs` → 2, else 0.
    public var stars: Int
    public var annotation: Range<Int>?
    public var defaultValue: Range<Int>?
}

/// A call expression `callee(args)` found anywhere in the code.
public struct Call: Sendable {
    /// The callee as a dotted chain: names, `()` for an intermediate call, `[]` for a subscript.
    /// `self.client.get`, `httpx.AsyncClient().get`, `<expr>.join` when it starts at a literal.
    public var callee: String
    /// The chain's parts, so resolvers need not re-split `callee`.
    public var chain: [ChainPart]
    /// Index in `code` of the first token of the callee.
    public var calleeStart: Int
    /// Indices in `code` of the opening and closing parentheses.
    public var open: Int
    public var close: Int
    public var arguments: [Argument]
    /// 1-based line and 0-based byte column of the callee's first token.
    public var line: Int
    public var byteColumn: Int
    /// True when written `await callee(...)`.
    public var isAwaited: Bool
    /// The logical line holding the call.
    public var logicalLine: Int

    public func keyword(_ name: String) -> Argument? { arguments.first { $0.keyword == name } }
    public var positional: [Argument] { arguments.filter { $0.keyword == nil && $0.stars == 0 } }
}

public enum ChainPart: Sendable, Equatable {
    case name(String)
    case call
    case `subscript`
    case expression
}

/// One argument of a call.
public struct Argument: Sendable {
    public var keyword: String?
    /// `*x` → 1, `**x` → 2.
    public var stars: Int
    /// The value's tokens, indices into `code`.
    public var value: Range<Int>
}

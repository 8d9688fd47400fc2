/// Bounds a parse may not cross. The default fits the JUnit and Cobertura files CI produces
/// (100,000 test cases are about 15 MB) and keeps a hostile file from taking the machine's
/// memory: a larger input is refused before it is read. Nesting is bounded by libxml2 itself
/// (256 levels without XML_PARSE_HUGE, which we never pass), and so is a single text node (10 MB).
public struct XMLLimits: Sendable, Equatable {
    /// Bytes of input.
    public var maxBytes: Int

    public init(maxBytes: Int = 64 << 20) {
        self.maxBytes = maxBytes
    }

    public static let `default` = XMLLimits()
}

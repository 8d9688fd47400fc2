/// Something the live monitor noticed while the run was going.
public struct MonitorAlert: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case newException = "new-exception"
        case tracebackBurst = "traceback-burst"
        case errorRate = "error-rate"
        case p99
    }

    public var kind: Kind
    /// The log (`app`, a service's name) or the endpoint key it is about.
    public var source: String
    public var text: String

    public init(kind: Kind, source: String, text: String) {
        self.kind = kind
        self.source = source
        self.text = text
    }

    /// The alert as one plain line, the form used when the output is not a terminal.
    public var line: String { "ALERT [\(kind.rawValue)] \(source): \(text)" }
}

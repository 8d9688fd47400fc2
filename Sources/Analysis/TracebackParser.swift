/// One Python traceback report from a log: the exceptions of a chain (or an exception group) in
/// the order CPython prints them, causes first and the exception that propagated last.
public struct ParsedTraceback: Sendable, Equatable {
    public struct Frame: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var function: String

        public init(file: String, line: Int, function: String) {
            self.file = file
            self.line = line
            self.function = function
        }
    }

    /// One `Traceback (most recent call last):` block and the exception line that closes it.
    public struct Block: Sendable, Equatable {
        /// Outermost call first, as printed.
        public var frames: [Frame]
        /// The exception type as printed (`httpx.ConnectError`, `KeyError`).
        public var exception: String
        /// The first line of the message; empty when the exception has none.
        public var message: String
    }

    public var blocks: [Block]
    /// 1-based lines of the log where the report starts and ends.
    public var firstLine: Int
    public var lastLine: Int
}

/// Reads CPython tracebacks out of a log that mixes them with access lines and other output.
///
/// It follows chains (`During handling of the above exception...`, `The above exception was the
/// direct cause...`) and exception groups (the `+`/`|` framed form), and skips source lines,
/// 3.11's `^^^^` markers and `[Previous line repeated N more times]`.
public enum TracebackParser {
    /// A `chaos-test: request <id> failed: <exception>` line the runtime's middleware may print.
    public struct RequestFailure: Sendable, Equatable {
        public var line: Int
        public var requestId: String
        public var exception: String
    }

    public static func parse(_ text: String) -> [ParsedTraceback] {
        var reports: [ParsedTraceback] = []
        var current: ParsedTraceback?
        var block: (frames: [ParsedTraceback.Frame], start: Int)?
        // Set by a chain or group separator: the next traceback continues the current report.
        var continues = false

        func finish() {
            if let report = current, !report.blocks.isEmpty { reports.append(report) }
            current = nil
            continues = false
        }

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let (content, isGroupSeparator) = strip(rawLine)
            if isGroupSeparator {
                if current != nil { continues = true }
                continue
            }
            let trimmed = content.trimmingSpaces
            if trimmed == "Traceback (most recent call last):"
                || trimmed == "Exception Group Traceback (most recent call last):"
            {
                if !(continues && current != nil) {
                    finish()
                    current = ParsedTraceback(blocks: [], firstLine: lineNumber, lastLine: lineNumber)
                }
                continues = false
                block = ([], lineNumber)
                continue
            }
            if trimmed == "During handling of the above exception, another exception occurred:"
                || trimmed == "The above exception was the direct cause of the following exception:"
            {
                if current != nil { continues = true }
                continue
            }
            guard var open = block else {
                // Outside a block: the rest of a multi-line message, or other output. Only a
                // separator links the next traceback to this report.
                if !trimmed.isEmpty { continues = false }
                continue
            }
            if let frame = frame(in: Substring(trimmed)) {
                open.frames.append(frame)
                block = open
                continue
            }
            if trimmed.isEmpty || content.first == " " || content.first == "\t" {
                // Source lines, caret markers and `[Previous line repeated ...]` are indented.
                continue
            }
            // The first unindented line closes the block: it is the exception.
            block = nil
            guard let (type, message) = exceptionLine(Substring(trimmed)) else {
                finish()
                continue
            }
            current?.blocks.append(.init(frames: open.frames, exception: type, message: message))
            current?.lastLine = lineNumber
        }
        finish()
        return reports
    }

    /// The middleware's `chaos-test: request <id> failed: <exception>` lines.
    public static func requestFailures(in text: String) -> [RequestFailure] {
        let marker = "chaos-test: request "
        var found: [RequestFailure] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let range = line.range(of: marker) else { continue }
            let rest = line[range.upperBound...]
            guard let failedRange = rest.range(of: " failed: ") else { continue }
            let id = String(rest[..<failedRange.lowerBound])
            guard !id.isEmpty, !id.contains(" ") else { continue }
            let exception = String(rest[failedRange.upperBound...]).trimmingSpaces
            found.append(RequestFailure(line: offset + 1, requestId: id, exception: exception))
        }
        return found
    }

    /// The exception type's last dotted component, or of the text before `:` or `(` in a
    /// `chaos-test: request ... failed: KeyError('available')` line.
    static func shortName(_ exception: String) -> String {
        let head = exception.prefix { $0 != ":" && $0 != "(" && $0 != " " }
        return String(head.split(separator: ".").last ?? head[...])
    }

    /// Removes exception-group framing (`  | `, `  + `); reports `+-+---- 1 ----` separator lines.
    private static func strip(_ raw: Substring) -> (content: Substring, isGroupSeparator: Bool) {
        var line = raw
        if line.last == "\r" { line = line.dropLast() }
        let afterIndent = line.drop { $0 == " " }
        if afterIndent.hasPrefix("+-") { return ("", true) }
        if afterIndent.hasPrefix("+ ") { return (afterIndent.dropFirst(2), false) }
        if afterIndent.hasPrefix("| ") { return (afterIndent.dropFirst(2), false) }
        if afterIndent == "|" { return ("", false) }
        return (line, false)
    }

    /// `File "/app/x.py", line 12, in handler` (the `, in ...` part is absent in some frames).
    private static func frame(in line: Substring) -> ParsedTraceback.Frame? {
        guard line.hasPrefix("File \"") else { return nil }
        let afterQuote = line.dropFirst(6)
        guard let close = afterQuote.range(of: "\", line ") else { return nil }
        let file = String(afterQuote[..<close.lowerBound])
        let rest = afterQuote[close.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard let number = Int(digits) else { return nil }
        var function = ""
        let tail = rest.dropFirst(digits.count)
        if tail.hasPrefix(", in ") { function = String(tail.dropFirst(5)) }
        return .init(file: file, line: number, function: function)
    }

    /// `module.Type: message`, or a bare `Type`; nil when the line is not an exception line.
    private static func exceptionLine(_ line: Substring) -> (String, String)? {
        let type: Substring
        let message: Substring
        if let colon = line.range(of: ": ") {
            type = line[..<colon.lowerBound]
            message = line[colon.upperBound...]
        } else if line.hasSuffix(":") {
            type = line.dropLast()
            message = ""
        } else {
            type = line
            message = ""
        }
        guard let first = type.first, first.isLetter || first == "_",
            type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
        else { return nil }
        return (String(type), String(message))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return String(slice)
    }
}

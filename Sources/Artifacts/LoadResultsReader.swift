import Foundation

/// Reads `load-results.json` as a stream: the header (meta, phases, summary) without holding the
/// records, and the records one at a time, so a file of a million requests never sits in memory.
///
/// Any valid JSON layout of the file is accepted, not only the one the load stage writes.
public struct LoadResultsReader: Sendable {
    /// Everything in the file except the records.
    public struct Header: Sendable, Equatable {
        public var schema: Int
        public var meta: LoadMeta
        public var phases: [LoadPhase]
        public var summary: LoadSummary
        /// Nil in files written before exemplars existed.
        public var exemplars: [String: RequestExemplar]?
    }

    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// Reads schema, meta, phases and summary, skipping over the records without decoding them.
    public func header() throws -> Header {
        var schema: Int?
        var meta: LoadMeta?
        var phases: [LoadPhase]?
        var summary: LoadSummary?
        var exemplars: [String: RequestExemplar]?
        let decoder = JSONDecoder()
        try walk { key, stream in
            switch key {
            case "schema": schema = try decode(Int.self, stream.captureValue(), key: key, decoder: decoder)
            case "meta": meta = try decode(LoadMeta.self, stream.captureValue(), key: key, decoder: decoder)
            case "phases": phases = try decode([LoadPhase].self, stream.captureValue(), key: key, decoder: decoder)
            case "summary": summary = try decode(LoadSummary.self, stream.captureValue(), key: key, decoder: decoder)
            case "exemplars":
                exemplars = try decode([String: RequestExemplar].self, stream.captureValue(), key: key, decoder: decoder)
            default: try stream.skipValue()
            }
        }
        guard let schema, let meta, let phases, let summary else {
            let missing = [
                schema == nil ? "schema" : nil, meta == nil ? "meta" : nil,
                phases == nil ? "phases" : nil, summary == nil ? "summary" : nil,
            ].compactMap { $0 }
            throw LoadResultsReadError(
                path: url.path,
                message: "the top-level keys \(missing.joined(separator: ", ")) are missing; "
                    + "the file may have been cut short. Re-run `chaos-test load` to write it again.")
        }
        guard schema == LoadResults.schemaVersion else {
            throw LoadResultsReadError(
                path: url.path,
                message: "schema \(schema) is not supported (this tool reads schema \(LoadResults.schemaVersion)); "
                    + "re-run the load with this version of chaos-test.")
        }
        return Header(schema: schema, meta: meta, phases: phases, summary: summary, exemplars: exemplars)
    }

    /// Calls `body` with each record in file order, decoding one record at a time.
    public func forEachRecord(_ body: (LoadRecord) throws -> Void) throws {
        let decoder = JSONDecoder()
        try walk { key, stream in
            guard key == "records" else {
                try stream.skipValue()
                return
            }
            try stream.forEachArrayElement { bytes in
                try body(decode(LoadRecord.self, bytes, key: "records", decoder: decoder))
            }
        }
    }

    /// Reads the whole file into memory: for small files and tests.
    public func readAll() throws -> LoadResults {
        let header = try header()
        var records: [LoadRecord] = []
        try forEachRecord { records.append($0) }
        var results = LoadResults(
            meta: header.meta, phases: header.phases, records: records, summary: header.summary, exemplars: header.exemplars)
        results.schema = header.schema
        return results
    }

    private func walk(_ member: (String, JSONByteStream) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw LoadResultsReadError(
                path: url.path, message: "cannot be opened; check the path, or run `chaos-test load` to create it.")
        }
        defer { try? handle.close() }
        let stream = JSONByteStream(handle: handle, path: url.path)
        try stream.forEachObjectMember(member)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], key: String, decoder: JSONDecoder) throws -> T {
        do {
            return try decoder.decode(type, from: Data(bytes))
        } catch {
            throw LoadResultsReadError(
                path: url.path, message: "the value of \"\(key)\" does not match the load-results schema: \(error)")
        }
    }
}

/// A load-results file that cannot be read, with the path and what to do.
public struct LoadResultsReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}

/// A forward-only reader of JSON text from a file, in 1 MiB chunks: it finds the extent of
/// values without building them, so callers decode only the values they want.
final class JSONByteStream {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var index = 0
    private var consumedBefore = 0
    private var atEnd = false

    init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    /// The next byte without consuming it, or nil at the end of the file.
    private func peek() throws -> UInt8? {
        if index < buffer.count { return buffer[index] }
        guard !atEnd else { return nil }
        consumedBefore += buffer.count
        let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        buffer = Array(chunk)
        index = 0
        if buffer.isEmpty {
            atEnd = true
            return nil
        }
        return buffer[0]
    }

    private func fail(_ what: String) -> LoadResultsReadError {
        LoadResultsReadError(
            path: path,
            message: "is not valid JSON at byte \(consumedBefore + index): \(what). "
                + "The file may be truncated; re-run `chaos-test load` to write it again.")
    }

    private func skipWhitespace() throws {
        while let byte = try peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private func expect(_ expected: UInt8) throws {
        try skipWhitespace()
        guard try peek() == expected else {
            throw fail("expected '\(Character(Unicode.Scalar(expected)))'")
        }
        index += 1
    }

    /// Calls `member` for each key of the top-level object, positioned at the key's value;
    /// `member` must consume the value.
    func forEachObjectMember(_ member: (String, JSONByteStream) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            try skipWhitespace()
            let keyBytes = try captureValue()
            guard keyBytes.first == UInt8(ascii: "\""),
                let key = try? JSONDecoder().decode(String.self, from: Data(keyBytes))
            else { throw fail("expected an object key") }
            try expect(UInt8(ascii: ":"))
            try member(key, self)
            try skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw fail("expected ',' or '}' after the value of \"\(key)\"")
            }
        }
    }

    /// Calls `element` with the bytes of each element of the array that starts here.
    func forEachArrayElement(_ element: ([UInt8]) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        try skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try element(captureValue())
            try skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    /// Consumes one value and returns its bytes.
    func captureValue() throws -> [UInt8] {
        var out: [UInt8] = []
        try scanValue(into: &out, capture: true)
        return out
    }

    /// Consumes one value without keeping it.
    func skipValue() throws {
        var unused: [UInt8] = []
        try scanValue(into: &unused, capture: false)
    }

    private func scanValue(into out: inout [UInt8], capture: Bool) throws {
        try skipWhitespace()
        guard let first = try peek() else { throw fail("unexpected end of file") }
        switch first {
        case UInt8(ascii: "\""):
            try scanString(into: &out, capture: capture)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // One pass over the buffer per chunk: this loop sees every byte of every record.
            var depth = 0
            var inString = false
            var escaped = false
            while true {
                if index == buffer.count, try peek() == nil { throw fail("unexpected end of file inside a value") }
                let (end, complete) = buffer.withUnsafeBufferPointer { bytes -> (Int, Bool) in
                    var position = index
                    while position < bytes.count {
                        let byte = bytes[position]
                        position += 1
                        if inString {
                            if escaped {
                                escaped = false
                            } else if byte == 0x5C {
                                escaped = true
                            } else if byte == 0x22 {
                                inString = false
                            }
                        } else if byte == 0x22 {
                            inString = true
                        } else if byte == 0x7B || byte == 0x5B {
                            depth += 1
                        } else if byte == 0x7D || byte == 0x5D {
                            depth -= 1
                            if depth == 0 { return (position, true) }
                        }
                    }
                    return (position, false)
                }
                if capture { out.append(contentsOf: buffer[index..<end]) }
                index = end
                if complete { return }
            }
        default:
            // A number, true, false or null: it ends at a delimiter.
            while let byte = try peek() {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                    || byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
                {
                    break
                }
                if capture { out.append(byte) }
                index += 1
            }
        }
    }

    private func scanString(into out: inout [UInt8], capture: Bool) throws {
        // Positioned at the opening quote.
        if capture { out.append(UInt8(ascii: "\"")) }
        index += 1
        var escaped = false
        while true {
            if index == buffer.count {
                guard try peek() != nil else { throw fail("unexpected end of file inside a string") }
            }
            let byte = buffer[index]
            index += 1
            if capture { out.append(byte) }
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                return
            }
        }
    }
}

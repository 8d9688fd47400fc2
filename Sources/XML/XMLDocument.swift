import CLibXML2
import Foundation

/// A parsed, read-only XML document. Parsing is safe by default: no network, no DTD loading, no
/// entity substitution, and a document that declares entities at all is refused, since that is
/// how both XXE (a SYSTEM entity naming a local file) and billion laughs (nested entity
/// expansion) start; JUnit and Cobertura files never need them. Input size is bounded by
/// `XMLLimits`.
public final class XMLDocument: @unchecked Sendable {
    // @unchecked: the tree is never mutated after init and freed only in deinit, so sharing
    // it across tasks is safe.
    let pointer: xmlDocPtr
    /// The file name or label used in errors.
    public let source: String

    /// libxml2 must be initialized once before threads use it.
    private static let initialized: Void = { xmlInitParser() }()

    /// Flags: no network; CDATA merged into text; small text nodes stored compactly (the tree is
    /// read-only); never NOENT/DTDLOAD/DTDATTR/DTDVALID/HUGE/XINCLUDE.
    static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue)

    /// Parses a file, refusing it unread when it is larger than `limits.maxBytes`.
    public convenience init(contentsOf url: URL, limits: XMLLimits = .default) throws(XMLError) {
        let path = url.path
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw XMLError(kind: .unreadable, source: path, message: "cannot read the file (\(error.localizedDescription)); check the path")
        }
        try Self.check(size: size, limits: limits, source: path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw XMLError(kind: .unreadable, source: path, message: "cannot open the file; check its permissions")
        }
        defer { try? handle.close() }
        // Read at most one byte past the limit: a file that grew since stat is still refused.
        let data: Data
        do { data = try handle.read(upToCount: limits.maxBytes + 1) ?? Data() } catch {
            throw XMLError(kind: .unreadable, source: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        try Self.check(size: data.count, limits: limits, source: path)
        try self.init(data: data, source: path, limits: limits)
    }

    /// Parses bytes held in memory; `source` names them in errors.
    public init(data: Data, source: String = "<memory>", limits: XMLLimits = .default) throws(XMLError) {
        _ = Self.initialized
        try Self.check(size: data.count, limits: limits, source: source)
        guard let context = xmlNewParserCtxt() else {
            throw XMLError(kind: .unreadable, source: source, message: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        // An empty buffer still needs a valid pointer: libxml2 then reports "Document is empty".
        let bytes = data.isEmpty ? Data([0]) : data
        let document: xmlDocPtr? = bytes.withUnsafeBytes { raw in
            xmlCtxtReadMemory(context, raw.bindMemory(to: CChar.self).baseAddress, Int32(data.count), source, nil, Self.options)
        }
        guard let document, context.pointee.wellFormed != 0 else {
            let error = Self.lastError(context, source: source)
            if let document { xmlFreeDoc(document) }
            throw error
        }
        if let entity = Self.firstEntityDeclaration(document) {
            xmlFreeDoc(document)
            throw XMLError(
                kind: .entities, source: source, line: Self.line(of: "<!ENTITY", in: data),
                message: "the document declares the entity '\(entity)'; entity declarations are refused "
                    + "(they can read local files or expand without bound); remove the DOCTYPE's entities")
        }
        pointer = document
        self.source = source
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element. A well-formed document always has one.
    public var root: XMLElement {
        XMLElement(node: xmlDocGetRootElement(pointer)!, document: self)
    }

    // MARK: - Parsing helpers

    private static func check(size: Int, limits: XMLLimits, source: String) throws(XMLError) {
        if size > limits.maxBytes {
            throw XMLError(
                kind: .tooLarge, source: source,
                message: "the input is \(size) bytes, over the limit of \(limits.maxBytes) bytes; split the file or raise the limit")
        }
    }

    private static func lastError(_ context: xmlParserCtxtPtr, source: String) -> XMLError {
        guard let error = xmlCtxtGetLastError(context), error.pointee.code != 0 else {
            return XMLError(kind: .malformed, source: source, message: "not well-formed XML")
        }
        let message = error.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "parse error"
        let code = Int(error.pointee.code)
        let kind: XMLError.Kind =
            code == Int(XML_ERR_ENTITY_LOOP.rawValue)
                || message.localizedCaseInsensitiveContains("huge") || message.localizedCaseInsensitiveContains("depth")
                || message.localizedCaseInsensitiveContains("amplification")
            ? .tooLarge : .malformed
        return XMLError(kind: kind, source: source, line: Int(error.pointee.line), column: Int(error.pointee.int2), message: message)
    }

    /// The 1-based line of the first occurrence of `marker` in ASCII-compatible bytes, or 0.
    /// libxml2 keeps no line for declarations inside a DTD.
    private static func line(of marker: String, in data: Data) -> Int {
        let needle = Array(marker.utf8)
        guard let range = data.firstRange(of: needle) else { return 0 }
        return 1 + data[data.startIndex..<range.lowerBound].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The first `<!ENTITY>` in the internal subset, if any.
    private static func firstEntityDeclaration(_ document: xmlDocPtr) -> String? {
        for subset in [document.pointee.intSubset, document.pointee.extSubset] {
            var node = subset?.pointee.children
            while let current = node {
                if current.pointee.type == XML_ENTITY_DECL {
                    return current.pointee.name.map { String(cString: $0) } ?? "?"
                }
                node = current.pointee.next
            }
        }
        return nil
    }
}

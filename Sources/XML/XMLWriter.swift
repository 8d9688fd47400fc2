import CLibXML2
import Foundation

/// Writes an XML document through libxml2's `xmlTextWriter` into memory, so escaping is
/// libxml2's, not ours. Text is first cleaned of characters XML 1.0 cannot hold (control
/// characters in a captured log would otherwise make the file unreadable to every CI system).
public final class XMLWriter {
    private let buffer: xmlBufferPtr
    private var writer: xmlTextWriterPtr?
    private var failed: String?

    public init(indent: Bool = true) {
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "start the document")
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    public func startElement(_ name: String) {
        check(xmlTextWriterStartElement(writer, name), "start <\(name)>")
    }

    public func attribute(_ name: String, _ value: String) {
        check(xmlTextWriterWriteAttribute(writer, name, Self.clean(value)), "write the attribute \(name)")
    }

    public func text(_ value: String) {
        check(xmlTextWriterWriteString(writer, Self.clean(value)), "write text")
    }

    public func endElement() {
        check(xmlTextWriterEndElement(writer), "end an element")
    }

    /// `<name attr...>text</name>` in one call.
    public func element(_ name: String, attributes: [(String, String)] = [], text: String? = nil) {
        startElement(name)
        for (key, value) in attributes { attribute(key, value) }
        if let text { self.text(text) }
        endElement()
    }

    /// Closes every open element and returns the document's bytes. The writer is spent afterwards.
    public func finish() throws(XMLError) -> Data {
        check(xmlTextWriterEndDocument(writer), "end the document")
        // Freeing the writer is what flushes it into the buffer.
        if let writer { xmlFreeTextWriter(writer) }
        writer = nil
        if let failed { throw XMLError(kind: .unexpected, source: "<writer>", message: "libxml2 could not \(failed)") }
        let length = Int(xmlBufferLength(buffer))
        guard let content = xmlBufferContent(buffer) else { return Data() }
        return Data(bytes: content, count: length)
    }

    private func check(_ status: Int32, _ what: String) {
        if status < 0, failed == nil { failed = what }
    }

    /// Replaces characters outside XML 1.0's Char production with U+FFFD.
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isXMLChar($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(isXMLChar(scalar) ? scalar : "\u{FFFD}") }
        return String(scalars)
    }

    private static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}

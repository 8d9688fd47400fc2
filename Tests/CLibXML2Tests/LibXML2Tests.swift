import CLibXML2
import Testing

/// The system library links and parses: the smallest check that the module map, the shim and
/// pkg-config agree on this machine.
@Suite struct LibXML2Tests {
    @Test func parsesAJUnitDocumentFromMemory() throws {
        let xml = #"<testsuites><testsuite name="api" tests="2"><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite></testsuites>"#
        let bytes = Array(xml.utf8)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "junit.xml", nil, options)
            }
        }
        let doc: xmlDocPtr = try #require(document as xmlDocPtr?)
        defer { xmlFreeDoc(doc) }
        let root: xmlNodePtr = try #require(xmlDocGetRootElement(doc) as xmlNodePtr?)
        #expect(String(cString: root.pointee.name) == "testsuites")
        let suite: xmlNodePtr = try #require(root.pointee.children as xmlNodePtr?)
        let attribute: UnsafeMutablePointer<xmlChar> = try #require(xmlGetProp(suite, "tests") as UnsafeMutablePointer<xmlChar>?)
        defer { chaos_xml_free(attribute) }
        #expect(String(cString: attribute) == "2")
        var cases = 0
        var child = suite.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE { cases += 1 }
            child = node.pointee.next
        }
        #expect(cases == 2)
    }

    @Test func rejectsTruncatedXMLWithALine() {
        let bytes = Array("<a>\n<b>\n".utf8)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), "bad.xml", nil, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue))
            }
        }
        #expect(document == nil)
        let error = xmlGetLastError()
        #expect(error != nil)
        #expect((error?.pointee.line ?? 0) >= 2)
    }
}

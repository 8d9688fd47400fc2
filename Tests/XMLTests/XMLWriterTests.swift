import Foundation
import Testing

@testable import XML

@Suite struct XMLWriterTests {
    @Test func escapesAndParsesBack() throws {
        let writer = XMLWriter()
        writer.startElement("testsuites")
        writer.attribute("name", #"a "quoted" <name> & more"#)
        writer.element("testcase", attributes: [("name", "t1")], text: "x < y && \u{1}control\u{7}")
        writer.endElement()
        let data = try writer.finish()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(!text.contains("\u{1}"))
        let document = try XMLDocument(data: data)
        #expect(document.root.attribute("name") == #"a "quoted" <name> & more"#)
        #expect(document.root.child(named: "testcase")?.text == "x < y && \u{FFFD}control\u{FFFD}")
    }

    @Test func finishClosesOpenElements() throws {
        let writer = XMLWriter(indent: false)
        writer.startElement("a")
        writer.startElement("b")
        let document = try XMLDocument(data: try writer.finish())
        #expect(document.root.children.map(\.name) == ["b"])
    }
}

import Foundation
import Testing

@testable import XML

@Suite struct XMLDocumentTests {
    @Test func walksElementsAttributesAndText() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <suites name="all">
              <suite name="api" tests="2">
                <case name="a &amp; b"/>
                <case name="c"><failure message="boom">line 1
            line 2</failure></case>
              </suite>
            </suites>
            """
        let document = try XMLDocument(data: Data(xml.utf8), source: "junit.xml")
        #expect(document.root.name == "suites")
        #expect(document.root.attribute("name") == "all")
        #expect(document.root.attribute("missing") == nil)
        let suite = try #require(document.root.child(named: "suite"))
        #expect(suite.line == 3)
        #expect(suite.attributes.map(\.name) == ["name", "tests"])
        let cases = suite.children(named: "case")
        #expect(cases.map { $0.attribute("name") } == ["a & b", "c"])
        let failure = try #require(cases[1].child(named: "failure"))
        #expect(failure.text == "line 1\nline 2")
        #expect(document.root.descendants(named: "failure").count == 1)
    }

    @Test func keepsTheDocumentAliveThroughAnElement() throws {
        let element = try XMLDocument(data: Data("<a><b x='1'/></a>".utf8)).root.children[0]
        #expect(element.attribute("x") == "1")
    }

    @Test func truncatedXMLFailsWithLineAndColumn() throws {
        let xml = "<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"t\"\n"
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(xml.utf8), source: "cut.xml") }
        #expect(error.kind == .malformed)
        #expect(error.source == "cut.xml")
        #expect(error.line >= 3)
        #expect(error.column >= 1)
        #expect(error.description.hasPrefix("cut.xml:\(error.line):\(error.column): "))
    }

    @Test func mismatchedTagPointsAtTheLine() throws {
        let xml = "<a>\n<b>\n</c>\n</a>\n"
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(xml.utf8), source: "m.xml") }
        #expect(error.kind == .malformed)
        #expect(error.line == 3)
        #expect(error.message.contains("mismatch"))
    }

    @Test func unknownEncodingDeclarationIsRefused() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"x-no-such-encoding\"?>\n<a/>\n"
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(xml.utf8), source: "enc.xml") }
        #expect(error.kind == .malformed)
        #expect(error.line == 1)
        #expect(error.message.lowercased().contains("encoding"))
    }

    @Test func bytesThatContradictTheDeclaredEncodingAreRefused() throws {
        // Declared UTF-8, but "é" is written as the Latin-1 byte 0xE9.
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\ncaf".utf8)
        bytes += [0xE9] + Array("</a>\n".utf8)
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(bytes), source: "latin.xml") }
        #expect(error.kind == .malformed)
        #expect(error.line == 3)
        #expect(error.message.contains("UTF-8"))
    }

    @Test func declaredLatin1IsDecoded() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>caf".utf8)
        bytes += [0xE9] + Array("</a>\n".utf8)
        #expect(try XMLDocument(data: Data(bytes)).root.text == "café")
    }

    @Test func declaredUTF16OverUTF8BytesIsRefused() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<a>text</a>\n"
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(xml.utf8), source: "u16.xml") }
        #expect(error.kind == .malformed)
        #expect(error.line == 1)
        #expect(error.message.contains("labelled UTF-16 but has UTF-8 content"))
    }

    @Test func deepNestingIsBoundedByLibxml2() throws {
        let xml = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(xml.utf8), source: "deep.xml") }
        #expect(error.kind == .tooLarge)
    }
}

import CLibXML2

/// An element of an `XMLDocument`. It keeps its document alive, so it may outlive the
/// variable that held the document.
public struct XMLElement: @unchecked Sendable {
    // @unchecked: read-only view into an immutable tree owned by `document`.
    let node: xmlNodePtr
    public let document: XMLDocument

    init(node: xmlNodePtr, document: XMLDocument) {
        self.node = node
        self.document = document
    }

    /// The local name (without a namespace prefix).
    public var name: String { String(cString: node.pointee.name) }

    /// The 1-based line of the start tag.
    public var line: Int { Int(xmlGetLineNo(node)) }

    /// An attribute's value, or nil when absent.
    public func attribute(_ name: String) -> String? {
        guard let attribute = xmlHasProp(node, name) else { return nil }
        // The common case, one text child, is read in place; libxml2 would copy it first.
        if let text = attribute.pointee.children, text.pointee.next == nil, text.pointee.type == XML_TEXT_NODE,
            let content = text.pointee.content
        {
            return String(cString: content)
        }
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { chaos_xml_free(value) }
        return String(cString: value)
    }

    /// Every attribute, in document order.
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            result.append((name, self.attribute(name) ?? ""))
            attribute = current.pointee.next
        }
        return result
    }

    /// The element children, in document order.
    public var children: [XMLElement] {
        var result: [XMLElement] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(XMLElement(node: current, document: document)) }
            child = current.pointee.next
        }
        return result
    }

    /// The element children with this name.
    public func children(named name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// The first element child with this name.
    public func child(named name: String) -> XMLElement? {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE, String(cString: current.pointee.name) == name {
                return XMLElement(node: current, document: document)
            }
            child = current.pointee.next
        }
        return nil
    }

    /// Every descendant element with this name, depth first, in document order.
    public func descendants(named name: String) -> [XMLElement] {
        var result: [XMLElement] = []
        func visit(_ element: XMLElement) {
            for child in element.children {
                if child.name == name { result.append(child) }
                visit(child)
            }
        }
        visit(self)
        return result
    }

    /// The concatenated text of the element and its descendants.
    public var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { chaos_xml_free(content) }
        return String(cString: content)
    }
}

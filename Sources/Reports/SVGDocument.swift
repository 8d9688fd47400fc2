/// A hand-written SVG document: elements appended as text, every attribute and text escaped,
/// every coordinate written with one decimal so the file is byte-stable.
struct SVGDocument {
    let width: Int
    let height: Int
    private var body = ""

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Text safe inside XML content and attribute values; characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String { NumberText.fixed(value, decimals: 1) }

    /// Appends `<name a="v" ...>text</name>`, or a self-closed element without text.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        body += "<" + name
        for (key, value) in attributes { body += " \(key)=\"\(Self.escape(value))\"" }
        if let text {
            body += ">" + Self.escape(text) + "</\(name)>\n"
        } else {
            body += "/>\n"
        }
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: [(String, String)] = []) {
        element(
            "rect",
            [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(width)), ("height", Self.number(height)),
             ("fill", fill)] + extra)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, extra: [(String, String)] = []) {
        element(
            "line",
            [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
             ("stroke", stroke)] + extra)
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Int = 11, extra: [(String, String)] = []) {
        element(
            "text", [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", String(size)), ("text-anchor", anchor)] + extra,
            text: content)
    }

    mutating func raw(_ markup: String) { body += markup }

    /// The whole document, with an XML declaration and a title for screen readers.
    func rendered(title: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\">\n"
            + "<title>\(Self.escape(title))</title>\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
            + body + "</svg>\n"
    }

    /// A round step for about `count` ticks from 0 to `maximum` (1, 2 or 5 times a power of ten).
    static func niceStep(maximum: Double, count: Int) -> Double {
        guard maximum > 0 else { return 1 }
        let raw = maximum / Double(count)
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where power * factor >= raw { return power * factor }
        return power * 10
    }
}

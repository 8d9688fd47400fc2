/// `application/x-www-form-urlencoded` bodies, as a browser sends a form.
enum FormEncoding {
    static let contentType = "application/x-www-form-urlencoded"

    /// Fields in name order, so one plan gives the same bytes every run.
    static func encode(_ fields: [String: String]) -> [UInt8] {
        Array(fields.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&").utf8)
    }

    /// Letters, digits and `*-._` stay; a space is `+`; every other byte is `%XX` (WHATWG URL spec).
    static func escape(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2A, 0x2D, 0x2E, 0x5F:
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x20:
                output.append("+")
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += hex.count == 1 ? "%0\(hex)" : "%\(hex)"
            }
        }
        return output
    }
}

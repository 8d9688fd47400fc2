import Artifacts

/// `{name}` placeholders in paths and JSON bodies, and how they are filled.
enum PlanTemplate {
    /// The placeholder names in `text`, in order: `{name}` where name is letters, digits or `_`.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in text {
            if character == "{" {
                current = ""
            } else if character == "}" {
                if let name = current, !name.isEmpty { names.append(name) }
                current = nil
            } else if current != nil {
                if character.isLetter || character.isNumber || character == "_" {
                    current!.append(character)
                } else {
                    current = nil
                }
            }
        }
        return names
    }

    /// Replaces every placeholder whose name `lookup` knows; others stay as written.
    static func fill(_ text: String, encode: Bool, _ lookup: (String) -> JSONValue?) -> String {
        guard text.contains("{") else { return text }
        var output = ""
        var pending: String?
        for character in text {
            if character == "{" {
                if let pending { output += "{" + pending }
                pending = ""
            } else if character == "}", let name = pending {
                if !name.isEmpty, let value = lookup(name) {
                    let text = value.interpolationText
                    output += encode ? percentEncoded(text) : text
                } else {
                    output += "{" + name + "}"
                }
                pending = nil
            } else if pending != nil {
                if character.isLetter || character.isNumber || character == "_" {
                    pending!.append(character)
                } else {
                    output += "{" + pending! + String(character)
                    pending = nil
                }
            } else {
                output.append(character)
            }
        }
        if let pending { output += "{" + pending }
        return output
    }

    /// A body with placeholders filled; a string that is exactly one placeholder takes the
    /// value's own type, so `"{id}"` becomes the number 42 when the response held 42.
    static func fill(_ value: JSONValue, _ lookup: (String) -> JSONValue?) -> JSONValue {
        switch value {
        case .string(let text):
            let names = placeholders(in: text)
            if names.count == 1, text == "{\(names[0])}", let replacement = lookup(names[0]) {
                return replacement
            }
            return names.isEmpty ? value : .string(fill(text, encode: false, lookup))
        case .array(let values):
            return .array(values.map { fill($0, lookup) })
        case .object(let members):
            return .object(members.mapValues { fill($0, lookup) })
        default:
            return value
        }
    }

    static func containsPlaceholder(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return !placeholders(in: text).isEmpty
        case .array(let values): return values.contains(where: containsPlaceholder)
        case .object(let members): return members.values.contains(where: containsPlaceholder)
        default: return false
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~".unicodeScalars.contains(scalar)
            {
                output.unicodeScalars.append(scalar)
            } else {
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

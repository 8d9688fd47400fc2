import Foundation
import Patching

/// `chaos-test check`: finds hook lines, middleware lines and runtime files in an app's source,
/// so CI and pre-commit can refuse to commit them.
public enum HookCheck {
    static let skippedFolders: Set<String> = [
        ".git", ".venv", "venv", ".chaos-test", "node_modules", "__pycache__", "site-packages", ".tox", ".mypy_cache",
        ".pytest_cache",
    ]

    /// One `file:line: what` per finding, sorted.
    public static func findings(_ root: AppRoot) throws(InjectionError) -> [String] {
        var results: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: root.path) else {
            throw InjectionError(.environment, "cannot list \(root.path)")
        }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                if skippedFolders.contains(name) { walker.skipDescendants() }
                continue
            }
            guard relative.hasSuffix(".py") else { continue }
            if name == Runtime.fileName {
                results.append("\(relative):1: the chaos-test runtime")
                continue
            }
            guard let data = FileManager.default.contents(atPath: root.path + "/" + relative) else { continue }
            let bytes = [UInt8](data)
            let marker = Array("# chaos-test: ".utf8)
            guard bytes.count >= marker.count else { continue }
            for (number, line) in ByteLines.split(bytes).enumerated() {
                guard let at = firstIndex(of: marker, in: line) else { continue }
                let tag = line[(at + marker.count)...].prefix { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 }
                let text = String(decoding: tag, as: UTF8.self)
                if text == "middleware" || (text.count == 8 && text.allSatisfy(\.isHexDigit)) {
                    results.append(
                        "\(relative):\(number + 1): \(text == "middleware" ? "the request-id middleware" : "hook \(text)")"
                    )
                }
            }
        }
        return results.sorted()
    }

    private static func firstIndex(of needle: [UInt8], in line: ArraySlice<UInt8>) -> Int? {
        guard line.count >= needle.count else { return nil }
        var i = line.startIndex
        while i <= line.endIndex - needle.count {
            if line[i] == needle[0], line[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

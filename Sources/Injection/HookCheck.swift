import Foundation
import Patching

/// `chaos-test check`: finds hook lines, middleware lines, runtime files and leftover chaos-test
/// temporary files in an app's tree, so CI and pre-commit can refuse to commit them.
///
/// Not only `.py` files are read: a hooked copy under another name (a temporary file an
/// interrupted command left, `bookings.py.orig`, `bookings.py~`) would be committed just the
/// same. Every file whose name holds `.py` is read, and every chaos-test temporary. Logs and
/// other text are not: a traceback in `app.log` quotes hook lines without being code.
public enum HookCheck {
    static let skippedFolders: Set<String> = [
        ".git", ".venv", "venv", ".chaos-test", "node_modules", "__pycache__", "site-packages", ".tox", ".mypy_cache",
        ".pytest_cache",
    ]
    /// Copies larger than this are data, not source, and are not read.
    static let largestFile = 8 << 20

    /// One thing `check` reports.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// A hook line, with the short id its comment carries.
            case hook(String)
            case middleware
            case runtime
            /// A temporary file of an interrupted chaos-test command, with how many hook or
            /// middleware lines it holds.
            case leftoverTemporary(markers: Int)
        }

        /// Relative to the app root.
        public var path: String
        public var line: Int
        public var kind: Kind

        public var description: String {
            switch kind {
            case .hook(let short): return "\(path):\(line): hook \(short)"
            case .middleware: return "\(path):\(line): the request-id middleware"
            case .runtime: return "\(path):\(line): the chaos-test runtime"
            case .leftoverTemporary(let markers):
                return "\(path):\(line): a leftover temporary file of an interrupted chaos-test command"
                    + (markers > 0 ? ", holding \(markers) chaos-test lines (a hooked copy of your source)" : "")
                    + "; delete it (`rm '\(path)'` from the app folder)"
            }
        }
    }

    /// One `file:line: what` per finding, sorted.
    public static func findings(_ root: AppRoot) throws(InjectionError) -> [String] {
        try scan(root).map(\.description)
    }

    /// Every finding in the tree, sorted by path and line.
    public static func scan(_ root: AppRoot) throws(InjectionError) -> [Finding] {
        var results: [Finding] = []
        guard let walker = FileManager.default.enumerator(atPath: root.path) else {
            throw InjectionError(.environment, "cannot list \(root.path)")
        }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory {
                if skippedFolders.contains(name) { walker.skipDescendants() }
                continue
            }
            guard type == .typeRegular else { continue }
            let temporary = StateDirectory.isTemporaryName(name)
            if name == Runtime.fileName {
                results.append(Finding(path: relative, line: 1, kind: .runtime))
                continue
            }
            let isSource = relative.hasSuffix(".py")
            guard isSource || temporary || name.contains(".py") else { continue }
            let size = (walker.fileAttributes?[.size] as? NSNumber)?.intValue ?? 0
            guard isSource || temporary || size <= largestFile else { continue }
            guard let data = FileManager.default.contents(atPath: root.path + "/" + relative) else { continue }
            let bytes = [UInt8](data)
            // Binary files (a NUL in the first 8 KB: .pyc, an editor's swap file) hold no source lines.
            if !isSource, !temporary, bytes.prefix(8192).contains(0) { continue }
            let markers = markerLines(in: bytes, path: relative)
            if temporary {
                results.append(
                    Finding(path: relative, line: markers.first?.line ?? 1, kind: .leftoverTemporary(markers: markers.count)))
            } else {
                results += markers
            }
        }
        return results.sorted { ($0.path, $0.line) < ($1.path, $1.line) }
    }

    /// The hook and middleware comments in a file: `# chaos-test: <8 hex>` or `# chaos-test: middleware`.
    static func markerLines(in bytes: [UInt8], path: String) -> [Finding] {
        let marker = Array("# chaos-test: ".utf8)
        guard bytes.count >= marker.count else { return [] }
        var results: [Finding] = []
        for (number, line) in ByteLines.split(bytes).enumerated() {
            guard let at = firstIndex(of: marker, in: line) else { continue }
            let tag = line[(at + marker.count)...].prefix { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 }
            let text = String(decoding: tag, as: UTF8.self)
            if text == "middleware" {
                results.append(Finding(path: path, line: number + 1, kind: .middleware))
            } else if text.count == 8 && text.allSatisfy(\.isHexDigit) {
                results.append(Finding(path: path, line: number + 1, kind: .hook(text)))
            }
        }
        return results
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

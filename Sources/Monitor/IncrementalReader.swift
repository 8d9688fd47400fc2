import Foundation

/// Reads the lines appended to a file since the last call, as a log or events.jsonl grows: it
/// keeps its byte offset and holds back a last line that has no newline yet. A file that shrank
/// (rotated or truncated) is read again from the start.
final class IncrementalReader {
    let url: URL
    private var offset: UInt64 = 0
    private var partial: [UInt8] = []

    init(url: URL) {
        self.url = url
    }

    /// The complete lines written since the previous call (without their newlines).
    func newLines(maxBytes: Int = 4 << 20) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size < offset {
            offset = 0
            partial = []
        }
        guard size > offset else { return [] }
        do { try handle.seek(toOffset: offset) } catch { return [] }
        guard let data = try? handle.read(upToCount: min(Int(size - offset), maxBytes)), !data.isEmpty else { return [] }
        offset += UInt64(data.count)
        var bytes = partial
        bytes.append(contentsOf: data)
        var lines: [String] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            lines.append(String(decoding: bytes[start..<index], as: UTF8.self))
            start = index + 1
        }
        partial = Array(bytes[start...])
        return lines
    }
}

import Foundation
import Testing

@testable import XML

/// Inputs written to hurt the reader: none may read a local file, and none may take unbounded
/// memory or time.
@Suite struct HostileInputTests {
    @Test func externalEntityNamingALocalFileIsNeverRead() throws {
        let folder = try TemporaryDirectory()
        let secret = "chaos-test-secret-\(UUID().uuidString)"
        let secretFile = try folder.file("secret.txt", secret)
        let general = """
            <?xml version="1.0"?>
            <!DOCTYPE testsuites [<!ENTITY xxe SYSTEM "file://\(secretFile.path)">]>
            <testsuites><testsuite name="s"><testcase name="t">&xxe;</testcase></testsuite></testsuites>
            """
        let parameter = """
            <?xml version="1.0"?>
            <!DOCTYPE testsuites [<!ENTITY % xxe SYSTEM "file://\(secretFile.path)"> %xxe;]>
            <testsuites/>
            """
        let external = """
            <?xml version="1.0"?>
            <!DOCTYPE testsuites SYSTEM "file://\(secretFile.path)">
            <testsuites>&undefined;</testsuites>
            """
        for (name, xml) in [("general", general), ("parameter", parameter), ("external", external)] {
            let file = try folder.file("\(name).xml", xml)
            do {
                let document = try XMLDocument(contentsOf: file)
                // Parsed without its entity declarations: nothing of the secret may be in the tree.
                #expect(!Self.allText(document.root).contains(secret), "\(name): the local file was read")
            } catch {
                #expect(!error.description.contains(secret), "\(name): the local file leaked into the error")
                #expect(error.line >= 1, "\(name): \(error)")
            }
        }
        // The general-entity form is the classic XXE: it must be refused outright.
        let error = try #require(throws: XMLError.self) { try XMLDocument(data: Data(general.utf8), source: "xxe.xml") }
        #expect(error.kind == .entities)
        #expect(error.line == 2)
        #expect(error.description.contains("xxe"))
    }

    @Test func billionLaughsIsRefusedQuicklyWithoutExpanding() throws {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        xml += "]>\n<lolz>&lol9;</lolz>\n"
        let before = Self.residentBytes()
        let clock = ContinuousClock()
        var caught: XMLError?
        let elapsed = clock.measure {
            do { _ = try XMLDocument(data: Data(xml.utf8), source: "lolz.xml") } catch let error as XMLError { caught = error } catch {}
        }
        let error = try #require(caught)
        // Fully expanded it is 3 GB of "lol"; refused, it costs next to nothing.
        #expect(error.kind == .entities || error.kind == .tooLarge, "\(error)")
        #expect(elapsed < .seconds(2), "took \(elapsed)")
        #expect(Self.residentBytes() - before < 64 << 20)
    }

    @Test func aHundredMegabyteFileIsRefusedUnreadByTheSizeLimit() throws {
        let folder = try TemporaryDirectory()
        let file = folder.url.appendingPathComponent("huge.xml")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        let chunk = Data(("<testsuites>" + String(repeating: "<testcase name=\"a\" classname=\"b\" time=\"0.001\"/>\n", count: 20_000)).utf8)
        try handle.write(contentsOf: Data("<testsuites>".utf8))
        var written = 12
        while written < 100 << 20 {
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        try handle.close()
        let before = Self.residentBytes()
        let error = try #require(throws: XMLError.self) { try XMLDocument(contentsOf: file) }
        #expect(error.kind == .tooLarge)
        #expect(error.message.contains("\(written) bytes"))
        #expect(error.source == file.path)
        // Refused from its size alone: nothing of it was loaded.
        #expect(Self.residentBytes() - before < 16 << 20)
    }

    @Test func memoryInputOverTheLimitIsRefused() throws {
        let error = try #require(throws: XMLError.self) {
            try XMLDocument(data: Data(repeating: 0x20, count: 2048), limits: XMLLimits(maxBytes: 1024))
        }
        #expect(error.kind == .tooLarge)
    }

    static func allText(_ element: XMLElement) -> String {
        element.text + element.attributes.map(\.value).joined() + element.children.map(allText).joined()
    }

    /// This process's resident set size, from /proc (Linux).
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes * 1024
    }
}

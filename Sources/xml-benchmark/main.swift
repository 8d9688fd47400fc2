// Writes a JUnit file of 100,000 test cases (with libxml2's writer), then reads it with
// chaos-test's JUnit reader, `xmllint --noout`, and Python's `xml.etree` (parse + walk every
// testcase), all on the same file in the same run, and prints the times and their ratios.
// Build in release for meaningful figures:
//   swift build -c release --product xml-benchmark && .build/release/xml-benchmark [--cases N] [--python python3]
import Foundation
import TestEvidence
import XML

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
let cases = Int(option("--cases") ?? "") ?? 100_000
let python = option("--python") ?? "python3"
// Each reader runs `rounds` times and keeps its best: the machine is shared.
let rounds = 3

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

// A pytest-like file: one suite per 1,000 cases, every 50th case failed with a traceback,
// every 100th skipped, every 10th with captured output.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xml-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let file = folder.appendingPathComponent("junit.xml")
let writer = XMLWriter()
writer.startElement("testsuites")
writer.attribute("name", "pytest tests")
for suite in 0..<(cases + 999) / 1000 {
    writer.startElement("testsuite")
    writer.attribute("name", "tests.test_module_\(suite)")
    writer.attribute("tests", "\(min(1000, cases - suite * 1000))")
    for index in suite * 1000..<min(cases, (suite + 1) * 1000) {
        writer.startElement("testcase")
        writer.attribute("classname", "tests.test_module_\(suite).TestGroup\(index % 7)")
        writer.attribute("name", "test_case_\(index)[param-\(index % 13)]")
        writer.attribute("time", String(format: "%.3f", Double(index % 997) / 1000))
        if index % 50 == 0 {
            writer.element(
                "failure", attributes: [("message", "assert 500 == 200")],
                text: "tests/test_module_\(suite).py:\(index % 400 + 1): in test_case_\(index)\n    assert resp.status_code == 200\nE   assert 500 == 200")
        } else if index % 100 == 1 {
            writer.element("skipped", attributes: [("type", "pytest.skip"), ("message", "needs network")])
        }
        if index % 10 == 0 { writer.element("system-out", text: "GET /api/items/\(index) -> 200 in 3 ms") }
        writer.endElement()
    }
    writer.endElement()
}
writer.endElement()
try writer.finish().write(to: file)
let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
print(String(format: "file: %d test cases, %.1f MB", cases, Double(size) / 1e6))

var ours = Double.infinity
var read = 0
for _ in 0..<rounds {
    ours = min(ours, try time { read = try JUnitReader.read(contentsOf: file).cases.count })
}
guard read == cases else { fatalError("the reader found \(read) test cases, expected \(cases)") }
print(String(format: "chaos-test JUnitReader:      %.3f s (best of %d; %d test cases, model built)", ours, rounds, read))

// The same parse without the model: what the reader adds on top of libxml2.
var parseOnly = Double.infinity
for _ in 0..<rounds {
    parseOnly = min(parseOnly, try time { _ = try XMLDocument(contentsOf: file) })
}
print(String(format: "  of which XMLDocument parse: %.3f s (best of %d; libxml2 tree, no model)", parseOnly, rounds))

var xmllint = Double.infinity
for _ in 0..<rounds {
    var status: Int32 = 0
    xmllint = min(xmllint, try time { (status, _) = try run("xmllint", ["--noout", file.path]) })
    guard status == 0 else { fatalError("xmllint --noout failed (is libxml2-utils installed?)") }
}
print(String(format: "xmllint --noout:             %.3f s (best of %d; process wall time, parse only)", xmllint, rounds))

let script = """
    import sys, time, xml.etree.ElementTree as ET
    best = None
    for _ in range(\(rounds)):
        start = time.perf_counter()
        root = ET.parse(sys.argv[1]).getroot()
        count = sum(1 for _ in root.iter("testcase"))
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(count, best)
    """
let (status, output) = try run(python, ["-c", script, file.path])
let fields = output.split(separator: " ")
guard status == 0, fields.count == 2, Int(fields[0]) == cases, let etree = Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
    fatalError("python xml.etree failed: \(output)")
}
print(String(format: "python xml.etree parse+iter: %.3f s (best of %d; timed inside the interpreter)", etree, rounds))
print(String(format: "ratios: JUnitReader / xmllint = %.2fx, JUnitReader / etree = %.2fx (below 1 is faster)", ours / xmllint, ours / etree))

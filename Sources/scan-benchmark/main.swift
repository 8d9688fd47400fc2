// Scans a corpus (by default CPython's stdlib without its test folders) with chaos-test's
// scanner, then times CPython's `ast.parse` + `ast.walk` over the very same files in the same
// run, and prints both times and their ratios (wall and CPU). Build in release for meaningful figures:
//   swift run -c release scan-benchmark [CORPUS_DIR] [--python python3]
import Discovery
import Foundation

func stdlibPath(python: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

var arguments = Array(CommandLine.arguments.dropFirst())
var python = "python3"
if let index = arguments.firstIndex(of: "--python"), index + 1 < arguments.count {
    python = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
let corpus = try arguments.first ?? stdlibPath(python: python)
// The stdlib's test folders: `test`/`tests` are skipped by the scanner's defaults; these are the rest.
let options = ScanOptions(
    root: URL(fileURLWithPath: corpus),
    excludes: ["idle_test", "test_*", "*_test", "testing", "unittest/test", "tkinter/test"])
let files = Scanner.pythonFiles(options)
let bytes = files.reduce(0) { $0 + $1.size }
print("corpus: \(corpus): \(files.count) files, \(bytes / 1_000_000) MB")

// Each side runs `rounds` times and keeps its best round: the machine is shared, and the
// minimum is the figure least disturbed by other work.
let rounds = 3

// chaos-test: the full scan (decode, tokenize, structure, routes, dependencies, call graph).
var scanWall = Double.infinity
var scanCPU = Double.infinity
var result = try Scanner.scan(options)
for _ in 0..<rounds {
    let wallStart = Date()
    let cpuStart = cpuSeconds()
    result = try Scanner.scan(options)
    scanCPU = min(scanCPU, cpuSeconds() - cpuStart)
    scanWall = min(scanWall, Date().timeIntervalSince(wallStart))
}
print(String(format: "chaos-test scan: %.3f s wall, %.3f s CPU (best of %d; %d routes, %d dependency calls, %d diagnostics)", scanWall, scanCPU, rounds, result.routes.count, result.dependencies.count, result.diagnostics.count))

// CPython: ast.parse + ast.walk over the same list, timed inside the interpreter.
let list = FileManager.default.temporaryDirectory.appendingPathComponent("scan-benchmark-\(getpid()).txt")
try files.map { corpus + "/" + $0.path }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
defer { try? FileManager.default.removeItem(at: list) }
let script = """
    import ast, sys, time
    paths = open(sys.argv[1], encoding="utf-8").read().split("\\n")
    best_wall = best_cpu = float("inf")
    for _ in range(int(sys.argv[2])):
        start = time.process_time(); wall = time.perf_counter(); nodes = 0; failed = 0
        for path in paths:
            with open(path, "rb") as f:
                source = f.read()
            try:
                tree = ast.parse(source, path)
            except (SyntaxError, ValueError):
                failed += 1
                continue
            for _ in ast.walk(tree):
                nodes += 1
        best_wall = min(best_wall, time.perf_counter() - wall); best_cpu = min(best_cpu, time.process_time() - start)
    print(f"{best_wall:.3f} {best_cpu:.3f} {nodes} {failed}")
    """
let process = Process()
process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
process.arguments = [python, "-c", script, list.path, String(rounds)]
let pipe = Pipe()
process.standardOutput = pipe
try process.run()
let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
process.waitUntilExit()
let fields = output.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
guard fields.count == 4, let astWall = Double(fields[0]), let astCPU = Double(fields[1]) else {
    print("python side failed: \(output)")
    exit(3)
}
print(String(format: "CPython ast.parse+ast.walk: %.3f s wall, %.3f s CPU (best of %d; %@ nodes, %@ files it could not parse)", astWall, astCPU, rounds, fields[2], fields[3]))
print(String(format: "ratio, wall time: chaos-test scan is %.1fx faster than ast (it parses on all cores)", astWall / scanWall))
print(String(format: "ratio, CPU time:  chaos-test scan is %.1fx faster than ast", astCPU / scanCPU))

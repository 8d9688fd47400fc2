import ArgumentParser
import Artifacts
import Foundation
import LoadGen

#if canImport(Glibc)
    import Glibc
#endif

/// chaos-test load against wrk, in the same run, at equal connections, against nginx serving a
/// static file (which measures the generators) and the orbital sample's /healthz on uvicorn.
struct HTTPBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http", abstract: "Requests per second and CPU per request: chaos-test load vs wrk.")

    @Option(help: "Seconds per measurement.")
    var duration = 10.0

    @Option(help: "Connection counts to compare at.")
    var connections: [Int] = [10, 50]

    @Option(help: "The repository root (for Samples/orbital-travel-planner).")
    var repository: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func run() throws {
        guard let nginx = which("nginx"), let wrk = which("wrk") else {
            print("load-benchmark http needs nginx and wrk: apt-get update && apt-get install -y nginx-light wrk")
            throw ExitCode(3)
        }
        let sample = URL(fileURLWithPath: repository).appendingPathComponent("Samples/orbital-travel-planner")
        let python = sample.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            print("load-benchmark http needs the orbital sample's venv: .ci/setup-python orbital-travel-planner")
            throw ExitCode(3)
        }
        let chaosTest = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("chaos-test").path
        guard FileManager.default.isExecutableFile(atPath: chaosTest) else {
            print("build chaos-test next to load-benchmark first: swift build -c release --product chaos-test")
            throw ExitCode(3)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-benchmark-http-\(getpid())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("www"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(repeating: UInt8(ascii: "x"), count: 612).write(to: directory.appendingPathComponent("www/index.html"))

        let nginxPort = try freePort()
        let conf = directory.appendingPathComponent("nginx.conf")
        try """
            daemon off; master_process off; worker_processes 1;
            pid \(directory.path)/nginx.pid; error_log \(directory.path)/nginx-error.log;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path \(directory.path)/t1; proxy_temp_path \(directory.path)/t2;
              fastcgi_temp_path \(directory.path)/t3; uwsgi_temp_path \(directory.path)/t4; scgi_temp_path \(directory.path)/t5;
              server { listen 127.0.0.1:\(nginxPort); location / { root \(directory.path)/www; } }
            }
            """.write(to: conf, atomically: true, encoding: .utf8)
        let nginxServer = try Server(nginx, ["-e", "\(directory.path)/nginx-error.log", "-c", conf.path, "-p", directory.path], cwd: directory)
        defer { nginxServer.stop() }

        let uvicornPort = try freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_PATH"] = directory.appendingPathComponent("bookings.db").path
        environment["PROVIDER_URL"] = "http://127.0.0.1:9"
        let uvicorn = try Server(
            python, ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "\(uvicornPort)", "--no-access-log", "--log-level", "warning"],
            cwd: sample, environment: environment)
        defer { uvicorn.stop() }
        try waitForPort(nginxPort)
        try waitForPort(uvicornPort)

        let targets = [("nginx static file", nginxPort, "/index.html"), ("uvicorn /healthz", uvicornPort, "/healthz")]
        print("http: \(Int(duration)) s per measurement, wrk -t2 vs chaos-test load (closed model, recording on)")
        print("target               conns  generator     req/s   CPU µs/req   ratio req/s   ratio CPU/req")
        for (name, port, path) in targets {
            let plan = directory.appendingPathComponent("plan-\(port).yaml")
            try "requests:\n  - {method: GET, path: \(path)}\n".write(to: plan, atomically: true, encoding: .utf8)
            for count in connections {
                let wrkFigures = try measureWrk(wrk, port: port, path: path, connections: count)
                let ours = try measureChaosTest(chaosTest, port: port, plan: plan, connections: count, directory: directory)
                print(row(name, count, "wrk", wrkFigures, nil))
                print(row(name, count, "chaos-test", ours, wrkFigures))
            }
        }
        print("CPU per request is each generator's whole-process user+system time (getrusage of the reaped child) / requests.")
    }

    struct Figures {
        var requestsPerSecond: Double
        var cpuUsPerRequest: Double
    }

    func row(_ target: String, _ connections: Int, _ generator: String, _ figures: Figures, _ reference: Figures?) -> String {
        var text = target.padding(toLength: 21, withPad: " ", startingAt: 0)
        text += String(format: "%5d  %-10@ %9.0f   %10.1f", connections, generator as NSString, figures.requestsPerSecond, figures.cpuUsPerRequest)
        if let reference {
            text += String(format: "   %10.2fx   %12.2fx", figures.requestsPerSecond / reference.requestsPerSecond,
                           figures.cpuUsPerRequest / reference.cpuUsPerRequest)
        }
        return text
    }

    func measureWrk(_ wrk: String, port: Int, path: String, connections: Int) throws -> Figures {
        let before = childrenCPUTimeUs()
        let (status, output, errors) = try runProgram(
            wrk, ["-t", "\(min(2, connections))", "-c", "\(connections)", "-d", "\(Int(duration))s", "http://127.0.0.1:\(port)\(path)"])
        let cpu = childrenCPUTimeUs() - before
        guard status == 0,
            let line = output.split(separator: "\n").first(where: { $0.contains("requests in") }),
            let requests = Double(line.split(separator: " ")[0]),
            let rateLine = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(rateLine.split(separator: " ").last!)
        else { throw BenchmarkFailure("wrk failed (\(status)): \(output) \(errors)") }
        return Figures(requestsPerSecond: rate, cpuUsPerRequest: Double(cpu) / requests)
    }

    func measureChaosTest(_ chaosTest: String, port: Int, plan: URL, connections: Int, directory: URL) throws -> Figures {
        let out = directory.appendingPathComponent("results-\(port)-\(connections).json")
        let before = childrenCPUTimeUs()
        let (status, _, errors) = try runProgram(
            chaosTest,
            ["load", "--url", "http://127.0.0.1:\(port)", "--plan", plan.path, "--duration", "\(duration)",
             "--concurrency", "\(connections)", "--out", out.path, "--json"])
        let cpu = childrenCPUTimeUs() - before
        guard status == 0 else { throw BenchmarkFailure("chaos-test load failed (\(status)): \(errors)") }
        let header = try LoadResultsReader(url: out).header()
        let requests = Double(header.summary["baseline"]?["*"]?.count ?? 0)
        let phase = header.phases[0]
        let seconds = Double(phase.endUnixNs - phase.startUnixNs) / 1e9
        try? FileManager.default.removeItem(at: out)
        return Figures(requestsPerSecond: requests / seconds, cpuUsPerRequest: Double(cpu) / requests)
    }
}

/// A server process for the benchmark, stopped by PID.
final class Server {
    let process = Process()

    init(_ executable: String, _ arguments: [String], cwd: URL, environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = cwd
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    guard bound == 0 else { throw BenchmarkFailure("cannot bind a loopback port") }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until something accepts connections on 127.0.0.1:port (30 s at most).
func waitForPort(_ port: Int) throws {
    for _ in 0..<300 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(descriptor)
        if connected == 0 { return }
        usleep(100_000)
    }
    throw BenchmarkFailure("nothing listens on 127.0.0.1:\(port) after 30 s")
}

import ArgumentParser
import Artifacts
import Foundation
import Injection
import Patching

struct InjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Write chaos hooks into the app as reversible patches (.chaos-test/patches, chaos-config.json).")

    @Argument(help: "The folder of the Python app.") var appDir: String
    @Option(
        help: "Faults to inject, comma-separated: latency, exception, status, dependency (default: all that apply); memory, cpu (opt-in, handlers only).")
    var faults: String?
    @Option(name: .customLong("fault-rate"), help: "Probability per hook call, in [0, 1].") var faultRate: Double = 0.1
    @Option(help: "Latency range in seconds, MIN-MAX.") var delay: String = "0.1-2.0"
    @Option(help: "Only routes whose path matches this glob.") var routes: String?
    @Option(help: "The app object (module:attr) when the folder has several.") var app: String?
    @Option(help: "Seed of the deterministic fault decisions.") var seed: UInt64 = 0
    @Option(help: "HTTP status of `status` faults.") var status: Int = 503
    @Option(help: "MB a `memory` fault holds (capped at 1024).") var memoryMb: Int = 64
    @Option(help: "Seconds a `memory` fault holds its memory.") var memoryHold: Double = 0.2
    @Option(help: "The most MB `memory` faults hold at once in one process.") var memoryCapMb: Int = 256
    @Option(help: "Seconds a `cpu` fault burns the CPU (at most 5).") var cpuBurn: Double = 0.05
    @Option(help: "Use this scan.json instead of scanning the folder.") var scan: String?
    @Flag(name: .customLong("dry-run"), help: "Print the patches and change nothing.") var dryRun = false
    @Flag(help: "Machine output on stdout.") var json = false

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            guard (0...1).contains(faultRate) else {
                throw InjectionError(.input, "--fault-rate \(faultRate): a probability must be between 0 and 1.")
            }
            guard (100...599).contains(status) else {
                throw InjectionError(
                    .input, "--status \(status): give an HTTP status between 100 and 599, for example 503.")
            }
            guard memoryMb >= 0, memoryCapMb >= 0, memoryHold >= 0, (0...5).contains(cpuBurn) else {
                throw InjectionError(
                    .input, "--memory-mb, --memory-cap-mb and --memory-hold take non-negative numbers, --cpu-burn 0 to 5 seconds.")
            }
            var options = InjectOptions(
                faults: try faults.map(InjectOptions.parseFaults), rate: faultRate,
                delayUs: try InjectOptions.parseDelay(delay),
                routes: routes, app: app, seed: seed, status: status)
            options.resources = ChaosSettings.Resources(
                memoryMb: memoryMb, holdUs: Int(memoryHold * 1e6), memoryCapMb: memoryCapMb, cpuUs: Int(cpuBurn * 1e6))
            let scanResult = try ScanSource.load(root: root, scanFile: scan)
            let report = try Injector.inject(root: root, scan: scanResult, options: options, dryRun: dryRun)
            for diagnostic in report.diagnostics {
                FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
            }
            if json {
                try CommandSupport.printJSON(
                    InjectOutput(
                        alreadyInjected: report.alreadyInjected, dryRun: dryRun, config: report.config,
                        patches: report.patches.map { String(decoding: $0.bytes, as: UTF8.self) },
                        diagnostics: report.diagnostics))
                return
            }
            if report.alreadyInjected {
                print(
                    "chaos is already injected in \(root.path) (\(report.config.points.count) points); nothing was added. "
                        + "Run `chaos-test revert \(appDir)` first to inject again.")
                return
            }
            if dryRun {
                for (_, bytes) in report.patches { FileHandle.standardOutput.write(Data(bytes)) }
                return
            }
            if let recovered = report.recovered {
                print(CommandSupport.describe(recovered))
            }
            let handlers = report.config.points.filter { $0.kind == .handler }.count
            print(
                "injected \(report.config.points.count) points (\(handlers) handler, \(report.config.points.count - handlers) dependency) "
                    + "into \(report.config.files.count) files of \(report.config.app); patches in \(root.stateDirectory)/patches"
            )
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }
}

struct InjectOutput: Encodable {
    var alreadyInjected: Bool
    var dryRun: Bool
    var config: ChaosConfig
    var patches: [String]
    var diagnostics: [Diagnostic]

    enum CodingKeys: String, CodingKey {
        case config, patches, diagnostics
        case alreadyInjected = "already_injected"
        case dryRun = "dry_run"
    }
}

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
        help: "Faults to inject, comma-separated: latency, exception, status, dependency (default: all that apply).")
    var faults: String?
    @Option(name: .customLong("fault-rate"), help: "Probability per hook call, in [0, 1].") var faultRate: Double = 0.1
    @Option(help: "Latency range in seconds, MIN-MAX.") var delay: String = "0.1-2.0"
    @Option(help: "Only routes whose path matches this glob.") var routes: String?
    @Option(help: "The app object (module:attr) when the folder has several.") var app: String?
    @Option(help: "Seed of the deterministic fault decisions.") var seed: UInt64 = 0
    @Option(help: "HTTP status of `status` faults.") var status: Int = 503
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
            let options = InjectOptions(
                faults: try faults.map(InjectOptions.parseFaults), rate: faultRate,
                delayUs: try InjectOptions.parseDelay(delay),
                routes: routes, app: app, seed: seed, status: status)
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
                print("recovered an interrupted `\(recovered.operation)` (\(recovered.recovery.rawValue)) first")
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

import ArgumentParser
import Foundation
import Injection

struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Switch injected chaos on or off, or change its rate and resource-fault sizes, while the app runs (edits only settings.json).")

    enum Action: String, ExpressibleByArgument, CaseIterable { case on, off, set }

    @Argument(help: "The folder of the Python app.") var appDir: String
    @Argument(help: "on, off, or set (with --fault-rate and/or the resource-fault sizes).") var action: Action
    @Option(name: .customLong("fault-rate"), help: "New probability per hook call, for `set`.") var faultRate: Double?
    @Option(help: "Change only this point's rate (full id or 8-hex short form).") var point: String?
    @Option(help: "For `set`: MB a `memory` fault holds (0 to 1024).") var memoryMb: Int?
    @Option(help: "For `set`: seconds a `memory` fault holds its memory.") var memoryHold: Double?
    @Option(help: "For `set`: the most MB `memory` faults hold at once in one process.") var memoryCapMb: Int?
    @Option(help: "For `set`: seconds a `cpu` fault burns the CPU (0 to 5).") var cpuBurn: Double?

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let change: LiveControl.Change
            switch action {
            case .on: change = .on
            case .off: change = .off
            case .set:
                let sizes = LiveControl.ResourceSizes(
                    memoryMb: memoryMb, holdUs: memoryHold.map { Int($0 * 1e6) }, memoryCapMb: memoryCapMb,
                    cpuUs: cpuBurn.map { Int($0 * 1e6) })
                if !sizes.isEmpty {
                    guard point == nil else {
                        throw InjectionError(
                            .input,
                            "--point changes one point's rate; resource-fault sizes apply to every point. Run them as two `chaos set` commands.")
                    }
                    change = .resources(sizes, rate: faultRate)
                } else if let faultRate {
                    change = .rate(faultRate, point: point)
                } else {
                    throw InjectionError(
                        .input,
                        "`chaos set` needs --fault-rate P or a resource-fault size (--memory-mb, --memory-hold, --memory-cap-mb, --cpu-burn), "
                            + "for example `chaos-test chaos \(appDir) set --fault-rate 0.2`.")
                }
            }
            let settings = try LiveControl.apply(change, root: root)
            let profile = settings.default
            var line = "chaos \(settings.enabled ? "on" : "off"), default rate \(profile.rate)"
                + (point.map { " (point \($0): \(faultRate ?? 0))" } ?? "")
            if action == .set, memoryMb != nil || memoryHold != nil || memoryCapMb != nil || cpuBurn != nil {
                let memory = profile.memoryMb.map { "\($0) MB" } ?? "default"
                let hold = profile.holdUs.map { "\(Double($0) / 1e6) s" } ?? "default"
                let cap = profile.memoryCapMb.map { "\($0) MB" } ?? "default"
                let cpu = profile.cpuUs.map { "\(Double($0) / 1e6) s" } ?? "default"
                line += "; memory \(memory) held \(hold) (cap \(cap)), cpu burn \(cpu)"
            }
            print(line)
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }
}

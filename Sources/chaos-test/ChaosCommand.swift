import ArgumentParser
import Foundation
import Injection

struct ChaosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Switch injected chaos on or off, or change its rate, while the app runs (edits only settings.json).")

    enum Action: String, ExpressibleByArgument, CaseIterable { case on, off, set }

    @Argument(help: "The folder of the Python app.") var appDir: String
    @Argument(help: "on, off, or set (with --fault-rate).") var action: Action
    @Option(name: .customLong("fault-rate"), help: "New probability per hook call, for `set`.") var faultRate: Double?
    @Option(help: "Change only this point (full id or 8-hex short form).") var point: String?

    func run() throws {
        let root = try CommandSupport.root(appDir)
        do {
            let change: LiveControl.Change
            switch action {
            case .on: change = .on
            case .off: change = .off
            case .set:
                guard let faultRate else {
                    throw InjectionError(
                        .input,
                        "`chaos set` needs --fault-rate P, for example `chaos-test chaos \(appDir) set --fault-rate 0.2`."
                    )
                }
                change = .rate(faultRate, point: point)
            }
            let settings = try LiveControl.apply(change, root: root)
            print(
                "chaos \(settings.enabled ? "on" : "off"), default rate \(settings.default.rate)"
                    + (point.map { " (point \($0): \(faultRate ?? 0))" } ?? ""))
        } catch let error as InjectionError {
            throw CommandSupport.fail(error)
        }
    }
}

import Artifacts
import Discovery
import Foundation
import Injection
import Patching

/// Several services of one system in one run (issue 8.5b): `run` injects chaos into each
/// service folder it is asked to (`inject: true` in chaos-test.yaml, `inject=true` in
/// `--service`, or `--inject-services` for all), keeps each service's chaos switched with the
/// app's, and reverts every folder byte for byte at the end.
///
/// A service's runtime writes into the run's events.jsonl with `"service": "<name>"`, and the
/// request id crosses the hop in `X-Chaos-Request-Id`, so analysis joins a provider's fault to the
/// app request it broke. Each service's scan and chaos-config.json go to `services/<name>/`.
extension RunPipeline {
    static let servicesFolder = "services"

    /// Injects every service that asks for it, one after the other. Never throws: the first
    /// failure is kept in `chaos` (the services injected before it are still reverted).
    func injectServices(settings: RunSettings, appRoot: AppRoot, runFolder: URL, into chaos: ServiceChaos) async {
        for service in settings.services where service.inject == true {
            do {
                let injected = try await phase("inject \(service.name)", group: "prepare") {
                    try self.injectService(service, settings: settings, runFolder: runFolder)
                }
                chaos.add(injected)
            } catch {
                chaos.fail(RunError.wrap(error))
                return
            }
        }
        guard !chaos.injected.isEmpty else { return }
        let services = chaos.injected.map(\.root)
        chaos.startMirror(Task { await Self.mirrorSettings(from: appRoot, to: services) })
    }

    /// Waits for the injection (app and services) before any service starts: a service must
    /// run with its hooks already in.
    func awaitServiceInjection<T>(_ injection: Task<T, Error>, settings: RunSettings, chaos: ServiceChaos) async throws {
        guard settings.services.contains(where: { $0.inject == true }) else { return }
        _ = try await injection.value
        if let failure = chaos.failure { throw failure }
    }

    func injectService(_ service: ServiceSpec, settings: RunSettings, runFolder: URL) throws(RunError) -> ServiceChaos.Injected {
        guard let folder = service.cwd, !folder.isEmpty, folder != "." else {
            throw .badInput(
                "service \(service.name): inject needs a folder of its own (cwd= in --service or chaos-test.yaml); "
                    + "the app folder is injected already")
        }
        let url = settings.root.appendingPathComponent(folder).standardizedFileURL
        let root: AppRoot
        do { root = try AppRoot(url.path) } catch { throw .badInput("service \(service.name): \(error)") }
        let stateFolder = root.path + "/.chaos-test"
        let createdStateFolder = !FileManager.default.fileExists(atPath: stateFolder)
        do {
            return try injectService(service, folder: folder, root: root, createdStateFolder: createdStateFolder, runFolder: runFolder, settings: settings)
        } catch {
            // Nothing was injected: leave no state folder behind in the service's tree either.
            if createdStateFolder, (try? ChaosState.loadConfig(root)) == nil {
                try? FileManager.default.removeItem(atPath: stateFolder)
            }
            throw error
        }
    }

    private func injectService(
        _ service: ServiceSpec, folder: String, root: AppRoot, createdStateFolder: Bool, runFolder: URL, settings: RunSettings
    ) throws(RunError) -> ServiceChaos.Injected {
        let scan: ScanResult
        do { scan = try Scanner.scan(ScanOptions(root: URL(fileURLWithPath: root.path))) } catch {
            throw .badInput("service \(service.name): \(error)")
        }
        guard scan.apps.count == 1, let app = scan.apps.first else {
            throw .badInput(
                "service \(service.name): \(folder) holds \(scan.apps.isEmpty ? "no web app" : "several apps (\(scan.apps.map(\.id).joined(separator: ", ")))"); "
                    + "inject only a service folder with exactly one FastAPI, Starlette, Flask or Django app")
        }
        var options = settings.injectOptions(app: app.id)
        options.routes = nil  // --routes selects the app's routes, not the service's
        let report: Injector.InjectReport
        do { report = try Injector.inject(root: root, scan: scan, options: options, dryRun: false) } catch {
            throw error.kind == .environment
                ? RunError.environment("service \(service.name): \(error.description)")
                : RunError.badInput("service \(service.name): \(error.description)")
        }
        if report.alreadyInjected {
            throw RunError.badInput(
                "service \(service.name): chaos is already injected in \(root.path); run `chaos-test revert \(root.path)` first")
        }
        let injected = ServiceChaos.Injected(
            name: service.name, folder: folder, root: root, config: report.config, createdStateFolder: createdStateFolder)
        // Quiet until the app's chaos phase: the mirror switches it on with the app.
        do { _ = try LiveControl.apply(.off, root: root) } catch { throw RunError.environment(error.description) }
        let out = runFolder.appendingPathComponent("\(Self.servicesFolder)/\(service.name)")
        do { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) } catch {
            throw .environment("cannot create \(out.path): \(error)")
        }
        try write(scan, to: out.appendingPathComponent("scan.json"))
        try write(report.config, to: out.appendingPathComponent(Injector.configName))
        say("  service \(service.name): \(report.config.points.count) injection points in \(report.config.files.count) files")
        return injected
    }

    /// Reverts every injected service folder and checks each file is back to its original bytes;
    /// returns their original hashes, keyed by the path from the app folder (`provider/main.py`).
    func revertServices(_ chaos: ServiceChaos, keep: Bool) async throws(RunError) -> [String: String] {
        await chaos.stopMirror()
        var hashes: [String: String] = [:]
        var firstError: RunError?
        for service in chaos.injected {
            for file in service.config.files {
                if let before = file.sha256Before { hashes[service.folder + "/" + file.path] = before }
            }
            if keep {
                say("• keeping chaos injected in service \(service.name); `chaos-test revert \(service.root.path)` removes it")
                continue
            }
            do {
                try await phase("revert \(service.name)") { try self.revertService(service) }
            } catch {
                firstError = firstError ?? RunError.wrap(error)
            }
        }
        if let firstError { throw firstError }
        return hashes
    }

    func revertService(_ service: ServiceChaos.Injected) throws(RunError) {
        try revert(appRoot: service.root, config: service.config)
        // The folder the run created for the service's state goes too: the tree is as it was.
        guard service.createdStateFolder else { return }
        do { try FileManager.default.removeItem(atPath: service.root.path + "/.chaos-test") } catch {
            throw RunError.environment("cannot remove \(service.root.path)/.chaos-test: \(error)")
        }
    }

    /// Keeps each service's `enabled` and default rate equal to the app's, so a phase change
    /// (baseline → chaos, a ramp step) reaches every service within a few milliseconds.
    static func mirrorSettings(from app: AppRoot, to services: [AppRoot]) async {
        let path = app.path + "/.chaos-test/" + Injector.settingsName
        var seen: (Int, Int)?
        var applied: (enabled: Bool, rate: Double)?
        while !Task.isCancelled {
            var info = stat()
            if stat(path, &info) == 0 {
                let stamp = (Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec), Int(info.st_size))
                if seen.map({ $0 != stamp }) ?? true, let settings = try? ChaosState.loadSettings(app) {
                    seen = stamp
                    let wanted = (enabled: settings.enabled, rate: settings.default.rate)
                    if applied.map({ $0 != wanted }) ?? true {
                        for service in services {
                            _ = try? LiveControl.apply(.rate(wanted.rate, point: nil), root: service)
                            _ = try? LiveControl.apply(wanted.enabled ? .on : .off, root: service)
                        }
                        applied = wanted
                    }
                }
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}

import Artifacts
import Foundation
import Patching

/// `inject` and `revert`: the writing commands. Each takes the app's lock, first finishes any
/// interrupted command from the journal, then writes all its files in one transaction.
public enum Injector {
    public static let configName = "chaos-config.json"
    public static let settingsName = "settings.json"

    public struct InjectReport: Sendable {
        public var alreadyInjected: Bool
        public var config: ChaosConfig
        public var patches: [(name: String, bytes: [UInt8])]
        public var diagnostics: [Diagnostic]
        public var recovered: Transaction.Recovered?
    }

    /// Plans and, unless `dryRun`, writes the hooks, the runtime, the patches, chaos-config.json and settings.json.
    public static func inject(
        root: AppRoot, scan: ScanResult, options: InjectOptions, dryRun: Bool
    ) throws(InjectionError) -> InjectReport {
        if dryRun {
            if let existing = try ChaosState.loadConfig(root) {
                return InjectReport(
                    alreadyInjected: true, config: existing, patches: [], diagnostics: [], recovered: nil)
            }
            let plan = try ChaosPlanner.plan(root: root, scan: scan, options: options)
            return InjectReport(
                alreadyInjected: false, config: plan.config, patches: plan.patches, diagnostics: plan.diagnostics,
                recovered: nil)
        }
        return try locked(root, command: "inject") { recovered throws(InjectionError) in
            if let existing = try ChaosState.loadConfig(root) {
                return InjectReport(
                    alreadyInjected: true, config: existing, patches: [], diagnostics: [], recovered: recovered)
            }
            let leftovers = try HookCheck.findings(root)
            if !leftovers.isEmpty {
                throw InjectionError(
                    .input,
                    "chaos-test lines or files are already in the tree but there is no chaos-config.json to revert them with:\n"
                        + leftovers.prefix(20).map { "  \($0)" }.joined(separator: "\n")
                        + "\nRemove those lines and delete leftover temporary files (or restore the files from version "
                        + "control), then inject again.")
            }
            let plan = try ChaosPlanner.plan(root: root, scan: scan, options: options)
            var changes = plan.files
            for (name, bytes) in plan.patches {
                changes.append(FileChange(path: ".chaos-test/" + name, before: nil, after: bytes))
            }
            changes.append(FileChange(path: ".chaos-test/" + configName, before: nil, after: try encode(plan.config)))
            let settingsPath = ".chaos-test/" + settingsName
            changes.append(
                FileChange(path: settingsPath, before: try read(root, settingsPath), after: try encode(plan.settings)))
            do {
                try Transaction.commit(changes, in: root, operation: "inject", recovery: .rollback)
            } catch { throw InjectionError(.environment, "\(error)") }
            return InjectReport(
                alreadyInjected: false, config: plan.config, patches: plan.patches, diagnostics: plan.diagnostics,
                recovered: recovered)
        }
    }

    public struct RevertReport: Sendable {
        /// False when nothing was injected.
        public var reverted: Bool
        /// Files restored byte for byte.
        public var restored: [String]
        /// Files the user edited since, where only the hook lines were removed.
        public var merged: [String]
        public var recovered: Transaction.Recovered?
    }

    /// Puts every file back: by hash-checked reverse patch when untouched, by removing only the
    /// hook lines when the user edited the file since; refuses, changing nothing, when neither is safe.
    public static func revert(root: AppRoot) throws(InjectionError) -> RevertReport {
        try locked(root, command: "revert") { recovered throws(InjectionError) in
            guard let config = try ChaosState.loadConfig(root) else {
                return RevertReport(reverted: false, restored: [], merged: [], recovered: recovered)
            }
            var changes: [FileChange] = []
            var restored: [String] = []
            var merged: [String] = []
            var conflicts: [String] = []
            for file in config.files {
                let patchBytes = try ChaosState.verifiedPatch(root, file)
                let current = try read(root, file.path)
                let currentHash = current.map(SHA256Digest.hex)
                if currentHash == file.sha256Before { continue }  // already original
                let reversed = patchBytes.reversed
                if currentHash == file.sha256After {
                    let original: [UInt8]?
                    do { original = try reversed.apply(to: current) } catch {
                        throw InjectionError(.input, "\(file.patch): \(error)")
                    }
                    guard original.map(SHA256Digest.hex) == file.sha256Before else {
                        throw InjectionError(
                            .input,
                            "\(file.patch) does not turn \(file.path) back into the bytes recorded in chaos-config.json "
                                + "(sha256 \(file.sha256Before ?? "absent")); the patch or the config was altered. Nothing was changed."
                        )
                    }
                    changes.append(FileChange(path: file.path, before: current, after: original))
                    restored.append(file.path)
                    continue
                }
                guard let current else {
                    if file.sha256Before == nil { continue }  // the runtime was deleted already
                    conflicts.append(
                        "\(file.path): the file was deleted since inject; restore it or run `chaos-test check`")
                    continue
                }
                switch HookRemoval.remove(reversed, from: current, path: file.path) {
                case .success(let cleaned):
                    changes.append(
                        FileChange(path: file.path, before: current, after: file.sha256Before == nil ? nil : cleaned))
                    merged.append(file.path)
                case .failure(let problems):
                    conflicts += problems
                }
            }
            if !conflicts.isEmpty {
                throw InjectionError(
                    .conflict,
                    "cannot revert safely, so nothing was changed. These files were edited around the hooks:\n"
                        + conflicts.map { "  \($0)" }.joined(separator: "\n")
                        + "\nRemove the lines marked `# chaos-test:` by hand (the patches in .chaos-test/patches show them), "
                        + "then delete .chaos-test/chaos-config.json.")
            }
            for name in [configName, settingsName] + config.files.map(\.patch) {
                let path = ".chaos-test/" + name
                if let bytes = try read(root, path) {
                    changes.append(FileChange(path: path, before: bytes, after: nil))
                }
            }
            do {
                try Transaction.commit(changes, in: root, operation: "revert", recovery: .complete)
            } catch { throw InjectionError(.environment, "\(error)") }
            return RevertReport(reverted: true, restored: restored, merged: merged, recovered: recovered)
        }
    }

    // MARK: Helpers

    /// Holds the app's lock around `body`, after recovering an interrupted command.
    static func locked<T>(
        _ root: AppRoot, command: String, _ body: (Transaction.Recovered?) throws(InjectionError) -> T
    ) throws(InjectionError) -> T {
        let lock: AppLock
        do { lock = try AppLock.acquire(root, command: command) } catch {
            throw InjectionError(.environment, "\(error)")
        }
        return try withExtendedLifetime(lock) { () throws(InjectionError) -> T in
            let recovered: Transaction.Recovered?
            do { recovered = try Transaction.recover(in: root) } catch { throw InjectionError(.input, "\(error)") }
            return try body(recovered)
        }
    }

    static func read(_ root: AppRoot, _ relative: String) throws(InjectionError) -> [UInt8]? {
        do { return try FileIO.read(try root.resolve(relative)) } catch { throw InjectionError(.input, "\(error)") }
    }

    static func encode<T: Encodable>(_ value: T) throws(InjectionError) -> [UInt8] {
        do { return [UInt8](try ArtifactJSON.encode(value)) } catch {
            throw InjectionError(.environment, "cannot encode \(T.self): \(error)")
        }
    }
}

import Artifacts
import Foundation
import Patching

/// `chaos on|off|set` and `status`: they read the state and change only settings.json, which
/// the runtime re-reads on its next hook call, so the app needs no restart.
public enum LiveControl {
    public enum Change: Sendable {
        case on
        case off
        case rate(Double, point: String?)
        /// New sizes for the resource faults; nil fields keep their current value. The runtime
        /// reads them from `default` on its next hook call.
        case resources(ResourceSizes, rate: Double? = nil)
    }

    /// The sizes `chaos set` can change while the app runs.
    public struct ResourceSizes: Sendable, Equatable {
        public var memoryMb: Int?
        public var holdUs: Int?
        public var memoryCapMb: Int?
        public var cpuUs: Int?

        public init(memoryMb: Int? = nil, holdUs: Int? = nil, memoryCapMb: Int? = nil, cpuUs: Int? = nil) {
            self.memoryMb = memoryMb
            self.holdUs = holdUs
            self.memoryCapMb = memoryCapMb
            self.cpuUs = cpuUs
        }

        public var isEmpty: Bool { self == ResourceSizes() }

        /// The runtime's own hard limits (chaos_test_runtime.py), so a value it would silently
        /// clamp is refused here with the limit named.
        static let maxMemoryMb = 1024
        static let maxCpuUs = 5_000_000
        static let maxHoldUs = 60_000_000

        func validate() throws(InjectionError) {
            if let memoryMb, !(0...Self.maxMemoryMb).contains(memoryMb) {
                throw InjectionError(.input, "--memory-mb \(memoryMb): give 0 to \(Self.maxMemoryMb) MB.")
            }
            if let memoryCapMb, !(0...Self.maxMemoryMb).contains(memoryCapMb) {
                throw InjectionError(.input, "--memory-cap-mb \(memoryCapMb): give 0 to \(Self.maxMemoryMb) MB.")
            }
            if let holdUs, !(0...Self.maxHoldUs).contains(holdUs) {
                throw InjectionError(.input, "--memory-hold \(Double(holdUs) / 1e6): give 0 to 60 seconds.")
            }
            if let cpuUs, !(0...Self.maxCpuUs).contains(cpuUs) {
                throw InjectionError(.input, "--cpu-burn \(Double(cpuUs) / 1e6): give 0 to 5 seconds.")
            }
        }
    }

    /// Applies `change` to settings.json and returns the new settings.
    public static func apply(_ change: Change, root: AppRoot) throws(InjectionError) -> ChaosSettings {
        try Injector.locked(root, command: "chaos") { _ throws(InjectionError) in
            guard var settings = try ChaosState.loadSettings(root), let config = try ChaosState.loadConfig(root) else {
                throw InjectionError(
                    .input, "chaos is not injected in \(root.path); run `chaos-test inject \(root.path)` first.")
            }
            switch change {
            case .on: settings.enabled = true
            case .off: settings.enabled = false
            case .resources(let sizes, let rate):
                try sizes.validate()
                if let rate {
                    guard (0...1).contains(rate) else {
                        throw InjectionError(.input, "--fault-rate \(rate): a probability must be between 0 and 1.")
                    }
                    settings.default.rate = rate
                }
                if let value = sizes.memoryMb { settings.default.memoryMb = value }
                if let value = sizes.holdUs { settings.default.holdUs = value }
                if let value = sizes.memoryCapMb { settings.default.memoryCapMb = value }
                if let value = sizes.cpuUs { settings.default.cpuUs = value }
            case .rate(let rate, let point):
                guard rate >= 0, rate <= 1 else {
                    throw InjectionError(.input, "--fault-rate \(rate): a probability must be between 0 and 1.")
                }
                if let point {
                    guard let match = config.points.first(where: { $0.id == point || $0.short == point }) else {
                        throw InjectionError(
                            .input,
                            "--point \(point): no such point; `chaos-test status \(root.path)` lists them (id or 8-hex short form)."
                        )
                    }
                    settings.points[
                        match.id,
                        default: .init(
                            short: match.short, kind: match.kind, faults: match.fault.faults,
                            library: match.fault.library)
                    ].rate = rate
                } else {
                    settings.default.rate = rate
                }
            }
            let relative = ".chaos-test/" + Injector.settingsName
            let path: String
            let temporary: String
            do {
                path = try root.resolve(relative)
                temporary = try root.resolve(try StateDirectory.temporary(for: relative, index: 0, in: root))
            } catch {
                throw InjectionError(.input, "\(error)")
            }
            let bytes = try Injector.encode(settings)
            do { try FileIO.writeAtomically(bytes, to: path, mode: 0o644, temporary: temporary) } catch {
                throw InjectionError(.environment, "\(error)")
            }
            return settings
        }
    }

    public struct Status: Sendable, Encodable {
        public var injected: Bool
        public var enabled: Bool?
        public var rate: Double?
        public var points: [ChaosConfig.Point]
        public var fixesApplied: Int
        public var journalPending: String?
        public var hooksInSource: Int
        /// Chaos-test lines outside the files chaos-config.json lists (all of them when nothing
        /// is injected), as `file:line: what`: hooked code no revert would remove.
        public var strayFindings: [String]
        /// Temporary files of an interrupted command: in the tree (as `file:line: what`) and in
        /// `.chaos-test/tmp/` (paths; the next writing command removes those).
        public var leftoverTemporaries: [String]

        enum CodingKeys: String, CodingKey {
            case injected, enabled, rate, points
            case fixesApplied = "fixes_applied"
            case journalPending = "journal_pending"
            case hooksInSource = "hooks_in_source"
            case strayFindings = "stray_findings"
            case leftoverTemporaries = "leftover_temporaries"
        }
    }

    /// Reads the state without changing anything (an interrupted command is reported, not recovered).
    public static func status(root: AppRoot) throws(InjectionError) -> Status {
        let config = try ChaosState.loadConfig(root)
        let settings = try ChaosState.loadSettings(root)
        var fixes = 0
        if let data = try Injector.read(root, ".chaos-test/fixes.json"),
            let object = try? JSONSerialization.jsonObject(with: Data(data)) as? [String: Any]
        {
            fixes = (object["fixes"] as? [Any])?.count ?? 0
        }
        var journal: String?
        if let data = try Injector.read(root, ".chaos-test/" + Transaction.journalName) {
            let operation = (try? ArtifactJSON.decode(Journal.self, from: Data(data)))?.operation ?? "unknown"
            journal = operation
        }
        let findings = try HookCheck.scan(root)
        let injectedFiles = Set(config?.files.map(\.path) ?? [])
        var stray: [String] = []
        var temporaries: [String] = []
        for finding in findings {
            if case .leftoverTemporary = finding.kind {
                temporaries.append(finding.description)
            } else if !injectedFiles.contains(finding.path) {
                stray.append(finding.description)
            }
        }
        temporaries += FileIO.names(in: root.path + "/" + StateDirectory.temporaryFolder).map {
            StateDirectory.temporaryFolder + "/" + $0
        }
        return Status(
            injected: config != nil, enabled: settings?.enabled, rate: settings?.default.rate,
            points: config?.points ?? [],
            fixesApplied: fixes, journalPending: journal, hooksInSource: findings.count, strayFindings: stray,
            leftoverTemporaries: temporaries)
    }
}

import Foundation
import Yams

/// `chaos-test.yaml`: an experiment a team commits beside its app (CONTRACTS.md,
/// "chaos-test.yaml"). Every key is optional; flags override it.
public struct Experiment: Decodable, Sendable, Equatable {
    public var app: String?
    public var python: String?
    public var serve: String?
    public var env: [String: String]?
    public var health: String?
    public var setup: [String]?
    public var services: [ServiceSpec]?
    public var plan: String?
    public var load: LoadSection?
    public var faults: FaultSection?
    public var slo: SLOSection?

    public struct LoadSection: Decodable, Sendable, Equatable {
        public var rps: Double?
        public var concurrency: Int?
        public var duration: Double?
        public var minRequests: Int?

        enum CodingKeys: String, CodingKey {
            case rps, concurrency, duration
            case minRequests = "min_requests"
        }
    }

    public struct FaultSection: Decodable, Sendable, Equatable {
        public var rate: Double?
        public var delay: String?
        public var kinds: [String]?
        /// The `memory` and `cpu` faults' sizes (MB, and seconds like `delay`).
        public var memoryMb: Int?
        public var memoryCapMb: Int?
        public var memoryHold: Double?
        public var cpuBurn: Double?

        enum CodingKeys: String, CodingKey {
            case rate, delay, kinds
            case memoryMb = "memory_mb"
            case memoryCapMb = "memory_cap_mb"
            case memoryHold = "memory_hold"
            case cpuBurn = "cpu_burn"
        }
    }

    public struct SLOSection: Decodable, Sendable, Equatable {
        public var maxErrorRate: Double?
        /// Seconds.
        public var maxP99: Double?

        enum CodingKeys: String, CodingKey {
            case maxErrorRate = "max_error_rate"
            case maxP99 = "max_p99"
        }
    }

    public static let fileName = "chaos-test.yaml"

    /// Reads `chaos-test.yaml` from the app folder; nil when there is none.
    public static func load(appRoot: URL) throws(RunError) -> Experiment? {
        let url = appRoot.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return try YAMLDecoder().decode(Experiment.self, from: text)
        } catch let error as DecodingError {
            throw RunError.badInput("\(url.path): \(Self.describe(error)); fix the file (its keys are listed in the README) or pass the setting as a flag")
        } catch {
            throw RunError.badInput("\(url.path): \(error); fix the YAML")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : "key '" + keys.joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// An extra process the app needs, such as the provider service of the orbital sample.
public struct ServiceSpec: Decodable, Sendable, Equatable {
    public var name: String
    /// Relative to the app folder.
    public var cwd: String?
    /// `{python}` and `{port}` are replaced; split on white space (quotes group words).
    public var command: String
    public var health: String?
    /// The app gets `http://127.0.0.1:<port>` in this variable.
    public var urlEnv: String?
    /// `run` injects chaos into this service's folder too (`inject: true`, or `--inject-services`).
    public var inject: Bool?

    enum CodingKeys: String, CodingKey {
        case name, cwd, command, health, inject
        case urlEnv = "url_env"
    }

    public init(name: String, cwd: String?, command: String, health: String?, urlEnv: String?, inject: Bool? = nil) {
        self.name = name
        self.cwd = cwd
        self.command = command
        self.health = health
        self.urlEnv = urlEnv
        self.inject = inject
    }

    /// `--service 'name=provider,cwd=provider,command=...,health=/healthz,url_env=PROVIDER_URL'`.
    public static func parse(_ text: String) throws(RunError) -> ServiceSpec {
        var fields: [String: String] = [:]
        var current = ""
        var parts: [String] = []
        // Commas split fields, except inside the command, which runs to the next `key=`.
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let candidate = String(piece)
            if let equal = candidate.firstIndex(of: "="), ["name", "cwd", "command", "health", "url_env", "inject"].contains(String(candidate[..<equal])) {
                if !current.isEmpty { parts.append(current) }
                current = candidate
            } else {
                current += "," + candidate
            }
        }
        if !current.isEmpty { parts.append(current) }
        for part in parts {
            guard let equal = part.firstIndex(of: "=") else { continue }
            fields[String(part[..<equal])] = String(part[part.index(after: equal)...])
        }
        guard let name = fields["name"], !name.isEmpty, let command = fields["command"], !command.isEmpty else {
            throw RunError.badInput(
                "--service '\(text)': name= and command= are required, e.g. --service 'name=provider,cwd=provider,command={python} -m uvicorn main:app --port {port},health=/healthz,url_env=PROVIDER_URL'")
        }
        var inject: Bool?
        if let text = fields["inject"] {
            guard let value = ["true": true, "yes": true, "1": true, "false": false, "no": false, "0": false][text.lowercased()] else {
                throw RunError.badInput("--service '\(text)': inject= takes true or false")
            }
            inject = value
        }
        return ServiceSpec(
            name: name, cwd: fields["cwd"], command: command, health: fields["health"], urlEnv: fields["url_env"], inject: inject)
    }
}

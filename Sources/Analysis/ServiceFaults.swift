import Artifacts
import Foundation

/// The services a run injected chaos into (issue 8.5b): each one's chaos-config.json from
/// `services/<name>/`, and its folder from run.json. A service's events share events.jsonl with
/// the app's, tagged `"service"`; their point ids are namespaced `<service>/<id>` here, so they
/// never collide with the app's points and every detector that looks a point up in the app's
/// chaos-config.json passes them by, while the join on the request id still counts them.
struct ServiceFaults {
    struct Service {
        var name: String
        /// The service's folder relative to the app folder (`provider`).
        var folder: String
        var config: ChaosConfig?
        var points: [String: ChaosConfig.Point]
        var idByShort: [String: String]
    }

    static let folderName = "services"

    private(set) var byName: [String: Service] = [:]

    var isEmpty: Bool { byName.isEmpty }

    init(runFolder: URL, run: RunRecord?) throws {
        var folders: [String: String] = [:]
        if case .object(let members)? = run?.options["inject_services"] {
            for (name, value) in members { if case .string(let folder) = value { folders[name] = folder } }
        } else if case .array(let names)? = run?.options["inject_services"] {
            for case .string(let name) in names { folders[name] = name }
        }
        let root = runFolder.appendingPathComponent(Self.folderName)
        let names = Set(((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])).union(folders.keys)
        for name in names.sorted() {
            let url = root.appendingPathComponent("\(name)/chaos-config.json")
            var config: ChaosConfig?
            if FileManager.default.fileExists(atPath: url.path) {
                do { config = try ArtifactJSON.decode(ChaosConfig.self, from: Data(contentsOf: url)) } catch {
                    throw AnalysisError.unreadable(url, error)
                }
            }
            let points = config?.points ?? []
            byName[name] = Service(
                name: name, folder: folders[name] ?? name, config: config,
                points: Dictionary(points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
                idByShort: Dictionary(points.map { ($0.short, $0.id) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// The event with a service's point id namespaced; the app's events unchanged.
    func namespaced(_ event: ChaosEvent) -> ChaosEvent {
        guard let name = event.service, let raw = event.point else { return event }
        var event = event
        let service = byName[name]
        let id = service?.points[raw] != nil ? raw : (service?.idByShort[raw] ?? raw)
        event.point = name + "/" + id
        return event
    }

    /// The service and point a namespaced id stands for; nil for the app's own points.
    func resolve(_ namespacedID: String) -> (service: Service, id: String, point: ChaosConfig.Point?)? {
        guard let slash = namespacedID.firstIndex(of: "/"), let service = byName[String(namespacedID[..<slash])] else {
            return nil
        }
        let id = String(namespacedID[namespacedID.index(after: slash)...])
        return (service, id, service.points[id])
    }
}

import Artifacts

/// A route with its full path, served by one app object.
struct ComposedRoute {
    var app: Int
    var site: RouteSite
    var rawPath: String
}

/// Walks from each app object down its included routers, blueprints and mounts, joining
/// prefixes the way each framework does.
struct RouteComposer {
    let collector: RouteCollector
    let registry: FrameworkRegistry
    var routes: [ComposedRoute] = []
    var reached: Set<Int> = []

    init(collector: RouteCollector, registry: FrameworkRegistry) {
        self.collector = collector
        self.registry = registry
    }

    mutating func compose() {
        var sitesByObject: [Int: [RouteSite]] = [:]
        for site in collector.sites { sitesByObject[site.object, default: []].append(site) }
        var children: [Int: [Attachment]] = [:]
        for attachment in collector.attachments { children[attachment.parent, default: []].append(attachment) }
        // An app mounted inside another (`app.mount("/api", api_app)`) is served through it, at
        // the mount's prefix; only apps nobody mounts are roots.
        let mounted = Set(collector.attachments.map(\.child))
        for index in registry.objects.indices where registry.objects[index].kind.isApp && !mounted.contains(index) {
            roots.insert(index)
            walk(index, app: index, accumulated: "", attachment: nil, sites: sitesByObject, children: children, visiting: [])
        }
    }

    /// The app objects routes were composed from: those no other object mounts.
    var roots: Set<Int> = []

    private mutating func walk(
        _ object: Int, app: Int, accumulated: String, attachment: Attachment?, sites: [Int: [RouteSite]],
        children: [Int: [Attachment]], visiting: Set<Int>
    ) {
        guard !visiting.contains(object) else { return }
        reached.insert(object)
        let kind = registry.objects[object].kind
        var prefix = accumulated + (attachment?.prefix ?? "")
        // Own prefixes: a FastAPI router's and a mount's always apply; a blueprint's was folded
        // into its registration (where Flask lets url_prefix replace it).
        switch (kind, collector.prefixes[object]) {
        case (.fastapiRouter, .known(let own)?), (.mount, .known(let own)?), (.restfulApi, .known(let own)?),
            (.starletteRouter, .known(let own)?):
            prefix += kind == .mount ? String(own.trimmingSuffix("/")) : own
        case (.blueprint, .known(let own)?) where attachment == nil:
            prefix += own
        default:
            break
        }
        for site in sites[object] ?? [] {
            let full: String
            switch kind.framework {
            case .flask: full = PathSyntax.flaskJoin(prefix, site.rawPath)
            default: full = prefix + site.rawPath
            }
            routes.append(ComposedRoute(app: app, site: site, rawPath: full))
        }
        for child in children[object] ?? [] {
            let base = kind.framework == .flask && registry.objects[child.child].kind == .blueprint
                ? String(prefix.trimmingSuffix("/")) : prefix
            walk(child.child, app: app, accumulated: base, attachment: child, sites: sites, children: children, visiting: visiting.union([object]))
        }
    }
}

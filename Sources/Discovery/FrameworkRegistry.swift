import Artifacts

/// The web framework objects the app builds (apps, routers, blueprints, mounts), one per
/// constructor call site, so every name that refers to the same call sees the same object.
final class FrameworkRegistry {
    enum Kind {
        case fastapiApp, fastapiRouter, starletteApp, starletteRouter, mount, flaskApp, blueprint, restfulApi
        /// Django REST framework routers: `register(prefix, ViewSet)`, served through `router.urls`.
        case drfSimpleRouter, drfDefaultRouter

        var framework: Framework {
            switch self {
            case .fastapiApp, .fastapiRouter: .fastapi
            case .starletteApp, .starletteRouter, .mount: .starlette
            case .flaskApp, .blueprint, .restfulApi: .flask
            case .drfSimpleRouter, .drfDefaultRouter: .django
            }
        }

        var isApp: Bool { self == .fastapiApp || self == .starletteApp || self == .flaskApp }
    }

    struct Object {
        var kind: Kind
        var module: Int
        var call: Int
        /// The function that built it (nil: module level).
        var scope: Int?
    }

    static let constructors: [String: Kind] = [
        "fastapi.FastAPI": .fastapiApp, "fastapi.APIRouter": .fastapiRouter,
        "starlette.Starlette": .starletteApp, "starlette.Router": .starletteRouter, "starlette.Mount": .mount,
        "flask.Flask": .flaskApp, "flask.Blueprint": .blueprint, "flask_restful.Api": .restfulApi,
        "rest_framework.routers.SimpleRouter": .drfSimpleRouter, "rest_framework.routers.DefaultRouter": .drfDefaultRouter,
    ]

    private(set) var objects: [Object] = []
    private var byCall: [Int: [Int: Int]] = [:]

    func object(kind: Kind, module: Int, call: Int, scope: Int?) -> Int {
        if let existing = byCall[module]?[call] { return existing }
        objects.append(Object(kind: kind, module: module, call: call, scope: scope))
        byCall[module, default: [:]][call] = objects.count - 1
        return objects.count - 1
    }

    func object(module: Int, call: Int) -> Int? { byCall[module]?[call] }
}

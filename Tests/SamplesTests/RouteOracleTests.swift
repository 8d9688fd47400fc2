import Foundation
import Testing

/// The route oracle on framework constructs the samples do not use: mounts, class-based
/// endpoints, stacked and wrapping decorators, converters. Each expectation was read off the
/// fixture by hand, so the oracle is checked against the source, not against itself.
@Suite struct RouteOracleTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/oracle-apps")

    @Test func starletteMountsClassEndpointsAndStackedDecorators() throws {
        // The orbital sample's venv has FastAPI and Starlette.
        let python = try Repository.python(forSample: "orbital-travel-planner")
        let routes = try RouteOracle.routes(python: python, root: Self.fixtures, app: "star_app:app")
        #expect(routes.map(\.description) == [
            "GET,PUT /inventory/things Things star_app.py:24",
            "POST /shop/v1/orders order star_app.py:41",
            "GET /shop/v1/orders/{order_id} order star_app.py:41",
            "GET /users/{user_id} user star_app.py:20",
        ])
        for route in routes {
            #expect(route.defLineProblem(root: Self.fixtures) == nil)
        }
    }

    @Test func flaskConvertersMethodViewsAndAddUrlRule() throws {
        let python = try Repository.python(forSample: "flask-inventory")
        let routes = try RouteOracle.routes(python: python, root: Self.fixtures, app: "flask_views:create_app()")
        #expect(routes.map(\.description) == [
            "GET,PUT /files/{name} file flask_views.py:10",
            "POST /ping ping flask_views.py:22",
            "DELETE,GET /reports/{report_id} Report flask_views.py:14",
        ])
        for route in routes {
            #expect(route.defLineProblem(root: Self.fixtures) == nil)
        }
    }

    @Test func aBadAppSpecIsAnErrorWithAMessage() throws {
        let python = try Repository.python(forSample: "flask-inventory")
        #expect {
            _ = try RouteOracle.routes(python: python, root: Self.fixtures, app: "flask_views")
        } throws: { error in
            "\(error)".contains("'flask_views' is not module:attr or module:factory()")
        }
        #expect {
            _ = try RouteOracle.routes(python: python, root: Self.fixtures, app: "flask_views:nothing")
        } throws: { error in
            "\(error)".contains("flask_views has no attribute 'nothing'")
        }
    }
}

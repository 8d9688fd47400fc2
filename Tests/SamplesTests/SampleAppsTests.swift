import Foundation
import Testing

/// Runs each sample for real, from its own virtualenv, with its dependency service on a
/// loopback port, and walks its main flows. Also checks the runtime route oracle on each app.
/// Serialized: each test starts two Python servers and the machine has two cores.
@Suite(.serialized) struct SampleAppsTests {
    // MARK: orbital-travel-planner

    @Test func orbitalTravelPlannerBooksATrip() throws {
        let python = try Repository.python(forSample: "orbital-travel-planner")
        let root = Repository.sample("orbital-travel-planner")
        let scratch = try TemporaryDirectory(prefix: "orbital")
        defer { scratch.remove() }
        let ports = try FreePort.pick(2)
        let provider = try ServerProcess(
            name: "provider", executable: python,
            arguments: ["-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", "\(ports[0])"],
            workingDirectory: root.appendingPathComponent("provider"), environment: [:],
            port: ports[0], logDirectory: scratch.url)
        defer { provider.stop() }
        let app = try ServerProcess(
            name: "orbital", executable: python,
            arguments: ["-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "\(ports[1])"],
            workingDirectory: root,
            environment: [
                "PROVIDER_URL": "http://127.0.0.1:\(ports[0])",
                "DATABASE_PATH": scratch.url.appendingPathComponent("bookings.db").path,
            ],
            port: ports[1], logDirectory: scratch.url)
        defer { app.stop() }
        try provider.waitUntilHealthy()
        try app.waitUntilHealthy()
        let port = app.port

        let search = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/search",
            json: ["origin": "KSC", "destination": "JEZ", "depart_date": "2027-01-10", "passengers": 2])
        #expect(search.status == 200, "\(search.text)")
        let itineraries = try #require(search.json as? [[String: Any]], "search returned \(search.text)")
        #expect(itineraries.map { $0["id"] as? String } == ["KSC-JEZ-20270110-G", "KSC-JEZ-20270110-D"])
        let prices = itineraries.compactMap { $0["price"] as? Double }
        #expect(prices.count == 2 && prices[0] <= prices[1], "cheapest first: \(prices)")
        let cheapest = try #require(itineraries.first)
        let legs = try #require(cheapest["legs"] as? [[String: Any]])
        #expect(legs.map { "\($0["origin"] ?? "")>\($0["destination"] ?? "")" } == ["KSC>LGW", "LGW>JEZ"])

        let created = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/bookings",
            json: ["itinerary_id": "KSC-JEZ-20270110-G", "passengers": [["name": "Ada Lovelace"], ["name": "Yuri Gagarin"]]])
        #expect(created.status == 201, "\(created.text)")
        let booking = try #require(created.json as? [String: Any], "booking returned \(created.text)")
        let id = try #require(booking["id"] as? String)
        #expect(booking["status"] as? String == "held")
        #expect(booking["total_price"] as? Double == prices.first)
        #expect((booking["passengers"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Ada Lovelace", "Yuri Gagarin"])

        let fetched = try LoopbackHTTP.request("GET", port: port, path: "/api/bookings/\(id)")
        #expect(fetched.status == 200)
        #expect((fetched.json as? [String: Any])?["hold_id"] as? String == booking["hold_id"] as? String)

        let confirmed = try LoopbackHTTP.request("POST", port: port, path: "/api/bookings/\(id)/confirm")
        #expect(confirmed.status == 200, "\(confirmed.text)")
        #expect((confirmed.json as? [String: Any])?["status"] as? String == "confirmed")

        let cancelled = try LoopbackHTTP.request("DELETE", port: port, path: "/api/bookings/\(id)")
        #expect(cancelled.status == 200, "\(cancelled.text)")
        #expect((cancelled.json as? [String: Any])?["status"] as? String == "cancelled")
        let after = try LoopbackHTTP.request("GET", port: port, path: "/api/bookings/\(id)")
        #expect((after.json as? [String: Any])?["status"] as? String == "cancelled")
        #expect(try LoopbackHTTP.request("POST", port: port, path: "/api/bookings/\(id)/confirm").status == 409)

        #expect(try LoopbackHTTP.request("GET", port: port, path: "/api/bookings/no-such-booking").status == 404)
        let nowhere = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/search",
            json: ["origin": "KSC", "destination": "KSC", "depart_date": "2027-01-10"])
        #expect(nowhere.status == 422)

        // W2 of WEAKNESSES.md is real: the provider's 404 for an unknown itinerary becomes a 500.
        let unknown = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/bookings",
            json: ["itinerary_id": "KSC-JEZ-99999999-D", "passengers": [["name": "Ada Lovelace"]]])
        #expect(unknown.status == 500, "\(unknown.text)")
    }

    @Test func orbitalRouteTableHasTheSixRoutes() throws {
        let python = try Repository.python(forSample: "orbital-travel-planner")
        let root = Repository.sample("orbital-travel-planner")
        let routes = try RouteOracle.routes(python: python, root: root, app: "app.main:app")
        #expect(routes.map(\.summary) == [
            "POST /api/bookings create_booking app/api/bookings.py",
            "DELETE /api/bookings/{booking_id} cancel_booking app/api/bookings.py",
            "GET /api/bookings/{booking_id} get_booking app/api/bookings.py",
            "POST /api/bookings/{booking_id}/confirm confirm_booking app/api/bookings.py",
            "POST /api/search search app/api/search.py",
            "GET /healthz healthz app/main.py",
        ])
        try expectDefLines(routes, root: root)
    }

    @Test func providerRouteTableIsItsOwnApp() throws {
        let python = try Repository.python(forSample: "orbital-travel-planner")
        let root = Repository.sample("orbital-travel-planner")
        let routes = try RouteOracle.routes(python: python, root: root, app: "provider.main:app")
        #expect(routes.map(\.summary) == [
            "GET /healthz healthz provider/main.py",
            "POST /holds create_hold provider/main.py",
            "GET /prices/{itinerary_id} get_price provider/main.py",
            "GET /routes list_routes provider/main.py",
        ])
        try expectDefLines(routes, root: root)
    }

    // MARK: flask-inventory

    @Test func flaskInventoryRestocksAnItem() throws {
        let python = try Repository.python(forSample: "flask-inventory")
        let root = Repository.sample("flask-inventory")
        let scratch = try TemporaryDirectory(prefix: "inventory")
        defer { scratch.remove() }
        let ports = try FreePort.pick(2)
        let supplier = try ServerProcess(
            name: "supplier", executable: python,
            arguments: ["-m", "flask", "--app", "supplier.main", "run", "--host", "127.0.0.1", "--port", "\(ports[0])", "--no-reload"],
            workingDirectory: root, environment: [:], port: ports[0], logDirectory: scratch.url)
        defer { supplier.stop() }
        let app = try ServerProcess(
            name: "inventory", executable: python,
            arguments: ["-m", "flask", "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", "\(ports[1])", "--no-reload"],
            workingDirectory: root,
            environment: [
                "SUPPLIER_URL": "http://127.0.0.1:\(ports[0])",
                "DATABASE_PATH": scratch.url.appendingPathComponent("inventory.db").path,
            ],
            port: ports[1], logDirectory: scratch.url)
        defer { app.stop() }
        try supplier.waitUntilHealthy()
        try app.waitUntilHealthy()
        let port = app.port

        let warehouse = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/warehouses", json: ["code": "RTM", "name": "Rotterdam Port"])
        #expect(warehouse.status == 201, "\(warehouse.text)")
        let warehouseID = try #require((warehouse.json as? [String: Any])?["id"] as? Int, "\(warehouse.text)")

        let created = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/items",
            json: ["sku": "BRG-0042", "name": "Ball bearing", "warehouse_id": warehouseID, "quantity": 5])
        #expect(created.status == 201, "\(created.text)")
        let itemID = try #require((created.json as? [String: Any])?["id"] as? Int, "\(created.text)")
        let listed = try LoopbackHTTP.request("GET", port: port, path: "/api/items")
        #expect((listed.json as? [[String: Any]])?.compactMap { $0["sku"] as? String } == ["BRG-0042"])

        let restocked = try LoopbackHTTP.request("POST", port: port, path: "/api/items/\(itemID)/restock", json: ["quantity": 10])
        #expect(restocked.status == 200, "\(restocked.text)")
        #expect((restocked.json as? [String: Any])?["quantity"] as? Int == 15)
        let tooMany = try LoopbackHTTP.request("POST", port: port, path: "/api/items/\(itemID)/restock", json: ["quantity": 100_000])
        #expect(tooMany.status == 409, "\(tooMany.text)")

        let summary = try LoopbackHTTP.request("GET", port: port, path: "/api/warehouses/\(warehouseID)")
        #expect(summary.status == 200)
        #expect((summary.json as? [String: Any])?["units"] as? Int == 15)

        #expect(try LoopbackHTTP.request("DELETE", port: port, path: "/api/items/\(itemID)").status == 204)
        #expect(try LoopbackHTTP.request("GET", port: port, path: "/api/items/\(itemID)").status == 404)

        // W2 of WEAKNESSES.md is real: the supplier's 404 for a malformed SKU becomes a 500.
        let odd = try LoopbackHTTP.request(
            "POST", port: port, path: "/api/items", json: ["sku": "bearing-42", "name": "Odd part", "warehouse_id": warehouseID])
        let oddID = try #require((odd.json as? [String: Any])?["id"] as? Int, "\(odd.text)")
        let failed = try LoopbackHTTP.request("POST", port: port, path: "/api/items/\(oddID)/restock", json: ["quantity": 1])
        #expect(failed.status == 500, "\(failed.text)")
    }

    @Test(arguments: ["inventory:create_app()", "wsgi:app"])
    func flaskRouteTable(app: String) throws {
        let python = try Repository.python(forSample: "flask-inventory")
        let root = Repository.sample("flask-inventory")
        let routes = try RouteOracle.routes(python: python, root: root, app: app)
        #expect(routes.map(\.summary) == [
            "GET /api/items list_items inventory/items.py",
            "POST /api/items create_item inventory/items.py",
            "DELETE /api/items/{item_id} delete_item inventory/items.py",
            "GET /api/items/{item_id} get_item inventory/items.py",
            "POST /api/items/{item_id}/restock restock inventory/items.py",
            "GET /api/warehouses list_warehouses inventory/warehouses.py",
            "POST /api/warehouses create_warehouse inventory/warehouses.py",
            "GET /api/warehouses/{warehouse_id} warehouse_summary inventory/warehouses.py",
            "GET /healthz healthz inventory/__init__.py",
        ])
        try expectDefLines(routes, root: root)
    }

    @Test func supplierRouteTableIsItsOwnApp() throws {
        let python = try Repository.python(forSample: "flask-inventory")
        let root = Repository.sample("flask-inventory")
        let routes = try RouteOracle.routes(python: python, root: root, app: "supplier.main:app")
        #expect(routes.map(\.summary) == [
            "GET /healthz healthz supplier/main.py",
            "GET /stock/{sku} stock supplier/main.py",
        ])
        try expectDefLines(routes, root: root)
    }

    /// Each route's line must be its handler's `def` (or `async def`) line, never a decorator.
    private func expectDefLines(_ routes: [RouteOracle.Route], root: URL) throws {
        for route in routes {
            if let problem = route.defLineProblem(root: root) { Issue.record("\(problem)") }
        }
    }
}

import Artifacts
import Foundation
import Testing

@testable import LoadGen

/// Stateful synthesis: producers found from `links` or inferred, consumers run in flows after them.
struct OpenAPIFlowTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/openapi")

    func plan(_ fixture: String, seed: UInt64 = 3, stateful: Bool = true) throws -> LoadPlan {
        let document = try JSONValue.parse(Data(contentsOf: Self.resources.appendingPathComponent(fixture)))
        var synthesizer = OpenAPIPlanSynthesizer(document: document, source: fixture, seed: seed)
        synthesizer.stateful = stateful
        return try synthesizer.plan()
    }

    func steps(_ flow: PlanFlow) -> [String] { flow.steps.map { "\($0.method) \($0.path)" } }

    @Test func inferredBookingLifecycle() throws {
        let plan = try plan("bookings.json")
        #expect(plan.flows.map(\.name) == ["bookings lifecycle"])
        let flow = try #require(plan.flows.first)
        #expect(steps(flow) == [
            "POST /bookings", "GET /bookings/{booking_id}", "POST /bookings/{booking_id}/confirm",
            "DELETE /bookings/{booking_id}",
        ])
        #expect(flow.steps[0].extract == ["booking_id": "/id"])
        #expect(flow.steps.dropFirst().allSatisfy { $0.extract.isEmpty && $0.params["booking_id"] == nil })
        // The id-taking operations go out only inside the flow; the rest stay single requests.
        #expect(Set(plan.requests.map(\.endpoint)) == ["GET /healthz", "GET /bookings", "POST /bookings"])
    }

    @Test func nestedModelsKeepBodiesValid() throws {
        let plan = try plan("bookings.json")
        let creates = plan.requests.filter { $0.endpoint == "POST /bookings" }
        #expect(!creates.isEmpty)
        for create in creates + [plan.flows[0].steps[0]] {
            let body = try #require(create.json)
            #expect(body.value(atPointer: "/itinerary_id") == .string("KSC-JEZ-20270110-D"))
            #expect(
                [JSONValue.string("2030-01-15T10:00:00Z"), .string("2030-06-01T18:30:00Z")].contains(
                    body.value(atPointer: "/depart_at")!))
            #expect([JSONValue.string("window"), .string("aisle")].contains(body.value(atPointer: "/seat")!))
            let traveller = try #require(body.value(atPointer: "/traveller")?.stringValue)
            #expect(UUID(uuidString: traveller) != nil)
            // allOf of a $ref and an inline part: both parts' required fields, each within its bounds.
            #expect([JSONValue.string("Houston"), .string("Jezero")].contains(body.value(atPointer: "/contact/city")!))
            #expect(body.value(atPointer: "/contact/phone")?.stringValue?.count == 7)
            guard case .array(let passengers)? = body.value(atPointer: "/passengers") else {
                Issue.record("passengers is not an array")
                continue
            }
            #expect(passengers.count == 2)
            for passenger in passengers {
                let name = try #require(passenger.value(atPointer: "/name")?.stringValue)
                #expect((3...5).contains(name.count), "\(name)")
                #expect(passenger.value(atPointer: "/email")?.stringValue?.contains("@") == true)
                #expect(passenger.value(atPointer: "/nickname") == nil)
            }
        }
    }

    @Test func explicitLinksWinOverInference() throws {
        let plan = try plan("bookings-links.json")
        let flow = try #require(plan.flows.first)
        #expect(plan.flows.count == 1)
        // `ref` is not id-like and `booking_id` would be inferred as /id: the links say /reference for both.
        #expect(steps(flow) == [
            "POST /bookings", "GET /bookings/{ref}", "POST /bookings/{ref}/confirm", "DELETE /bookings/{ref}",
        ])
        #expect(flow.steps[0].extract == ["ref": "/reference"])
        #expect(plan.requests.map(\.endpoint) == ["POST /bookings"])
    }

    @Test func nestedCollectionsChainTheirProducers() throws {
        let plan = try plan("projects.json")
        let flows = Dictionary(uniqueKeysWithValues: plan.flows.map { ($0.name, $0) })
        #expect(Set(flows.keys) == ["projects lifecycle", "tasks lifecycle", "comments lifecycle"])
        #expect(try steps(#require(flows["projects lifecycle"])) == [
            "POST /projects", "GET /projects/{project_id}", "DELETE /projects/{project_id}",
        ])
        let tasks = try #require(flows["tasks lifecycle"])
        #expect(steps(tasks) == [
            "POST /projects", "POST /projects/{project_id}/tasks",
            // `{id}` here is the project's id: renamed to the flow's variable.
            "GET /projects/{project_id}/tasks/{task_id}", "PATCH /projects/{project_id}/tasks/{task_id}",
            "DELETE /projects/{project_id}/tasks/{task_id}",
        ])
        #expect(tasks.steps[0].extract == ["project_id": "/id"])
        #expect(tasks.steps[1].extract == ["task_id": "/task_id"])
        let comments = try #require(flows["comments lifecycle"])
        #expect(steps(comments) == [
            "POST /projects", "POST /projects/{project_id}/tasks", "POST /projects/{project_id}/tasks/{task_id}/comments",
            "GET /projects/{project_id}/tasks/{task_id}/comments/{comment_id}",
            "POST /projects/{project_id}/tasks/{task_id}/comments/{comment_id}/reactions",
        ])
        // A fourth producer would make the chain deeper than 3: its consumer keeps today's behaviour.
        #expect(Set(plan.requests.map(\.endpoint)) == [
            "POST /projects", "GET /projects/{project_id}/tasks/{task_id}/comments/{comment_id}/reactions/{reaction_id}",
        ])
    }

    @Test func locationHeaderProducer() throws {
        let plan = try plan("widgets-location.json")
        let flow = try #require(plan.flows.first)
        #expect(steps(flow) == [
            "POST /widgets", "GET /widgets/{widget_id}", "PUT /widgets/{widget_id}", "DELETE /widgets/{widget_id}",
        ])
        #expect(flow.steps[0].extract == ["widget_id": PlanRequest.locationPointer])
        #expect(PlanRequest.locationValue("/widgets/42") == .string("42"))
        #expect(PlanRequest.locationValue("http://127.0.0.1:8000/widgets/a%20b/?x=1") == .string("a b"))
        #expect(PlanRequest.locationValue("http://127.0.0.1:8000") == nil)
    }

    /// A document without producers gets the plan of one request per operation, request for
    /// request what the synthesizer made before flows (`stateful = false` keeps that code path).
    @Test func noProducersNoChange() throws {
        #expect(try plan("shop.json").flows.isEmpty)
        #expect(try plan("shop.json") == plan("shop.json", stateful: false))
        // And the switch is not a no-op: with producers the plans differ.
        #expect(try plan("bookings.json") != plan("bookings.json", stateful: false))
        #expect(try plan("bookings.json", stateful: false).flows.isEmpty)
    }

    @Test(arguments: ["bookings.json", "projects.json", "bookings-links.json", "widgets-location.json"])
    func sameSeedSamePlan(fixture: String) throws {
        #expect(try plan(fixture, seed: 9) == plan(fixture, seed: 9))
    }
}

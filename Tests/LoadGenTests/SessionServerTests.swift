import Artifacts
import Foundation
import Testing

@testable import LoadGen

/// Cookies, logins, CSRF, setup and 429s against a real Flask app (Resources/session_app.py).
@Suite(.serialized) struct SessionServerTests {
    func run(
        _ planText: String, environment: [String: String] = [:], server: SessionAppServer,
        phases: [PhaseSpec]
    ) async throws -> [PhaseResult] {
        let plan = try PlanParser.parse(planText, file: "plan.yaml", environment: environment)
        let directory = try temporaryDirectory()
        let recorder = try LoadRecorder(sidecar: directory.appendingPathComponent("r.jsonl"))
        let configuration = LoadConfiguration(target: server.url, plan: plan, timeoutSeconds: 5, seed: 1)
        return try await LoadRunner.withRunner(configuration) { runner in
            var results: [PhaseResult] = []
            for phase in phases { results.append(await runner.run(phase, recorder: recorder, stop: StopSignal())) }
            return results
        }
    }

    @Test func eachVirtualUserKeepsItsOwnSession() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let results = try await run(
            "requests:\n  - {method: GET, path: /count}\n", server: server,
            phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 12)])
        #expect(results[0].summary["*"]?.ok == 12)
        // Two workers, two sessions; the signed session cookie changes on every answer, and each
        // user sent back its latest one, so the two counters add up to every request.
        let counts = try await server.stats()["counts"] as? [String: Int] ?? [:]
        #expect(counts.count == 2)
        #expect(counts.values.reduce(0, +) == 12)
    }

    @Test func formLoginWithCSRFTokenOncePerUser() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            login: {path: /login, form: {username: "{env.CHAOS_USER}", password: "{env.CHAOS_PASSWORD}"}, csrf: true}
            requests:
              - {method: GET, path: /me}
            """
        let results = try await run(
            plan, environment: ["CHAOS_USER": "ada", "CHAOS_PASSWORD": "lovelace"], server: server,
            phases: [
                PhaseSpec(name: "baseline", shape: .closed(concurrency: 3), requests: 9),
                PhaseSpec(name: "ramp", shape: .open(rps: 40, maxInFlight: 4), requests: 8),
            ])
        #expect(results[0].summary["*"]?.ok == 9)
        #expect(results[0].notes.isEmpty)
        #expect(results[1].summary["*"]?.ok == 8)
        let stats = try await server.stats()
        // Users outlive phases: the three closed-model workers are lent to the open model, which
        // may need one more; each logs in once.
        let logins = stats["logins"] as? Int ?? 0
        #expect(logins >= 3 && logins <= 4)
        #expect(stats["login_pages"] as? Int == logins)
    }

    /// Django keeps the token in a `csrftoken` cookie and wants it back in the form, then in
    /// `X-CSRFToken` on every later POST.
    @Test func djangoStyleCSRFOnTheLoginAndOnLaterPosts() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            login: {path: /django/login, page: /django/form, form: {username: ada, password: "{env.CHAOS_PASSWORD}"}, csrf: true}
            requests:
              - {method: POST, path: /django/notes, json: {text: hi}}
            """
        let results = try await run(
            plan, environment: ["CHAOS_PASSWORD": "lovelace"], server: server,
            phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 6)])
        #expect(results[0].notes.isEmpty)
        #expect(results[0].summary["POST /django/notes"]?.ok == 6)
    }

    @Test func refusedLoginStopsThePhaseAndSaysWhatAnswered() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            login: {path: /login, form: {username: ada, password: "{env.CHAOS_PASSWORD}"}, csrf: true}
            requests:
              - {method: GET, path: /me}
            """
        let results = try await run(
            plan, environment: ["CHAOS_PASSWORD": "wrong"], server: server,
            phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 10)])
        #expect(results[0].completed == 0)
        #expect(results[0].notes.contains { $0.contains("login POST /login answered 200 with the login form again") })
        // The refusal is what `load` and `run` fail with: a run must not measure login pages.
        #expect(results[0].refused?.contains("answered 200 with the login form again") == true)
    }

    @Test func loginRedirectedBackToItselfIsRefused() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = "login: {path: /bounce-login, form: {username: ada, password: nope}}\nrequests:\n  - {method: GET, path: /me}\n"
        let results = try await run(
            plan, server: server, phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 1), requests: 3)])
        #expect(results[0].completed == 0)
        #expect(results[0].notes.contains { $0.contains("login POST /bounce-login answered 302 back to /bounce-login?error=1") })
        #expect(SessionClient.path(of: "http://127.0.0.1:8000/bounce-login?error=1") == "/bounce-login")
    }

    @Test func loginWithoutTheCSRFTokenIsRefusedByTheApp() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            login: {path: /login, form: {username: ada, password: lovelace}}
            requests:
              - {method: GET, path: /me}
            """
        let results = try await run(
            plan, server: server, phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 1), requests: 3)])
        #expect(results[0].completed == 0)
        #expect(results[0].notes.contains { $0.contains("answered 400 (CSRF token missing or wrong)") })
    }

    @Test func tokenLoginSendsTheBearerToken() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            login: {path: /token, json: {username: ada, password: "{env.CHAOS_PASSWORD}"}, token: /access_token}
            requests:
              - {method: GET, path: /api/me}
            """
        let results = try await run(
            plan, environment: ["CHAOS_PASSWORD": "lovelace"], server: server,
            phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 6)])
        #expect(results[0].summary["*"]?.ok == 6)
        #expect(results[0].summary["*"]?.clientErrors == 0)
    }

    @Test func setupRunsOnceAndFeedsEveryPhase() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            setup:
              - {name: create, method: POST, path: /projects, json: {name: load}, extract: {project_id: /id}}
            requests:
              - {method: GET, path: "/projects/{project_id}"}
            """
        let results = try await run(
            plan, server: server,
            phases: [
                PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 5),
                PhaseSpec(name: "chaos", shape: .closed(concurrency: 2), requests: 5),
            ])
        #expect(results[0].summary["GET /projects/{project_id}"]?.ok == 5)
        #expect(results[1].summary["GET /projects/{project_id}"]?.ok == 5)
        let projects = try await server.stats()["projects"] as? [String: Any] ?? [:]
        #expect(projects.count == 1)
    }

    @Test func failedSetupRunsNothing() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let plan = """
            setup:
              - {name: create, method: POST, path: /projects, json: {}, extract: {project_id: /nothing}}
            requests:
              - {method: GET, path: "/projects/{project_id}"}
            """
        let results = try await run(
            plan, server: server, phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 1), requests: 5)])
        #expect(results[0].completed == 0)
        #expect(results[0].notes == ["setup step create: the answer has nothing at /nothing for {project_id}; the phase was not run"])
        #expect(results[0].refused == results[0].notes.first)
    }

    @Test func throttledAnswersAreCountedApartAndBackedOff() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let results = try await run(
            "requests:\n  - {method: GET, path: /limited}\n", server: server,
            phases: [PhaseSpec(name: "baseline", shape: .closed(concurrency: 1), durationSeconds: 2.5)])
        let summary = try #require(results[0].summary["*"])
        // Without the back-off one worker sends hundreds of requests in 2.5 s, nearly all 429.
        // With it: 200, 429, a 1 s wait, 200, 429, ...
        #expect(summary.ok >= 2 && summary.ok <= 4)
        let throttled = try #require(summary.throttled)
        #expect(throttled >= 1 && throttled <= 4)
        #expect(summary.errors == 0)
        #expect(summary.clientErrors == 0)
        #expect(results[0].notes.count == 1)
        #expect(results[0].notes[0].contains("429 Too Many Requests"))
        #expect(SummaryTable.render(results[0].summary).contains("429"))
    }

    @Test func openModelHalvesItsRateAfterA429() async throws {
        let server = try SessionAppServer()
        defer { server.stop() }
        let results = try await run(
            "requests:\n  - {method: GET, path: /limited}\n", server: server,
            phases: [PhaseSpec(name: "baseline", shape: .open(rps: 20, maxInFlight: 4), durationSeconds: 2)])
        let summary = try #require(results[0].summary["*"])
        // 20 rps for 2 s is 40 requests; after the first 429 (at about 50 ms) the rate is 10 rps.
        #expect(summary.count >= 15 && summary.count <= 26)
        #expect((summary.throttled ?? 0) > 0)
        #expect(results[0].notes.contains { $0.contains("halved its rate for 5 s") })
    }
}

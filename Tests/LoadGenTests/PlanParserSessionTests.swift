import Artifacts
import Testing

@testable import LoadGen

/// The plan keys for sessions: `login:`, `setup:`, `form:` and `{env.NAME}`.
struct PlanParserSessionTests {
    let environment = ["CHAOS_USER": "ada", "CHAOS_PASSWORD": "s3cret"]

    @Test func readsAFormLoginWithCredentialsFromTheEnvironment() throws {
        let plan = try PlanParser.parse(
            """
            login: {path: /accounts/login/, form: {username: "{env.CHAOS_USER}", password: "{env.CHAOS_PASSWORD}"}, csrf: true}
            requests:
              - {method: GET, path: /}
            """, file: "plan.yaml", environment: environment)
        #expect(
            plan.login
                == PlanLogin(path: "/accounts/login/", form: ["username": "ada", "password": "s3cret"], csrf: true))
        #expect(plan.login?.page == "/accounts/login/")
        #expect(plan.login?.method == "POST")
    }

    @Test func readsATokenLogin() throws {
        let plan = try PlanParser.parse(
            """
            login: {path: /token, page: /ignored, json: {user: "{env.CHAOS_USER}", n: 1}, token: /access_token, headers: {X-App: "{env.CHAOS_USER}"}}
            requests:
              - {method: GET, path: /}
            """, file: "plan.yaml", environment: environment)
        #expect(plan.login?.json == .object(["user": .string("ada"), "n": .int(1)]))
        #expect(plan.login?.token == "/access_token")
        #expect(plan.login?.headers == ["X-App": "ada"])
        #expect(plan.login?.csrf == false)
    }

    @Test func setupValuesAreKnownToEveryRequestAndFlow() throws {
        let plan = try PlanParser.parse(
            """
            setup:
              - {method: POST, path: /projects, form: {name: "p {env.CHAOS_USER}"}, extract: {project_id: /id}}
              - {method: POST, path: "/projects/{project_id}/lists", json: {}, extract: {list_id: /id}}
            requests:
              - {method: GET, path: "/projects/{project_id}/lists/{list_id}"}
            flows:
              - name: f
                steps:
                  - {method: POST, path: "/projects/{project_id}/tasks", form: {title: t}}
            """, file: "plan.yaml", environment: environment)
        #expect(plan.setup.count == 2)
        #expect(plan.setup[0].form == ["name": "p ada"])
        #expect(plan.setup[1].extract == ["list_id": "/id"])
        #expect(plan.flows[0].steps[0].form == ["title": "t"])
    }

    /// Each bad plan names the line, the key and what to do.
    @Test(arguments: [
        ("login: {form: {a: b}}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.path", "is missing; give the login endpoint"),
        ("login: {path: login, form: {a: b}}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.path", "must start with '/'"),
        ("login: {path: /login}\nrequests:\n  - {method: GET, path: /}\n", 1, "login", "has no `form:` or `json:`"),
        ("login: {path: /login, form: {a: b}, json: {a: b}}\nrequests:\n  - {method: GET, path: /}\n", 1, "login", "has both"),
        ("login: {path: /login, form: {a: b}, csrf: yes please}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.csrf", "must be true or false"),
        ("login: {path: /login, json: {}, token: access_token}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.token", "is not a JSON pointer"),
        ("login: {path: /login, method: GET, form: {a: b}}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.method", "cannot carry credentials"),
        ("login: {path: /login, form: {a: b}, cookie: x}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.cookie", "is not a known key"),
        ("login: {path: /login, form: {password: \"{env.NOPE_PW}\"}}\nrequests:\n  - {method: GET, path: /}\n", 1, "login.form.password", "uses {env.NOPE_PW}, but NOPE_PW is not set; export NOPE_PW"),
        ("headers: {Authorization: \"Bearer {env.API_KEY}\"}\nrequests:\n  - {method: GET, path: /}\n", 1, "headers.Authorization", "API_KEY is not set"),
        ("requests:\n  - {method: POST, path: /, json: {k: \"{env.a-b}\"}}\n", 2, "requests[0].json.k", "is not an environment variable name"),
        ("setup: []\nrequests:\n  - {method: GET, path: /}\n", 1, "setup", "must be a non-empty list"),
        ("setup:\n  - {method: GET, path: \"/p/{pid}\"}\nrequests:\n  - {method: GET, path: /}\n", 2, "setup[0].path", "uses {pid}"),
        ("requests:\n  - {method: POST, path: /, json: {}, form: {a: b}}\n", 2, "requests[0]", "has both `json:` and `form:`"),
        ("requests:\n  - {method: POST, path: /, form: [a]}\n", 2, "requests[0].form", "must be a mapping"),
    ])
    func rejectsBadSessionKeys(text: String, line: Int, key: String, message: String) {
        let error = #expect(throws: PlanError.self) {
            try PlanParser.parse(text, file: "plan.yaml", environment: [:])
        }
        #expect(error?.line == line)
        #expect(error?.key == key)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func compiledFormRequestsAreURLEncoded() throws {
        let plan = try PlanParser.parse(
            "requests:\n  - {method: POST, path: /f, form: {q: \"a b\"}}\n  - {method: POST, path: /g, form: {q: \"{v}\"}, params: {v: [\"x&y\"]}}\n",
            file: "plan.yaml", environment: [:])
        let compiled = CompiledPlan(plan, baseURL: "http://127.0.0.1:1")
        guard case .request(let constant) = compiled.units[0], case .request(let templated) = compiled.units[1] else {
            Issue.record("expected two requests")
            return
        }
        #expect(constant.headers.first(name: "Content-Type") == FormEncoding.contentType)
        #expect(constant.body { _ in nil } == Array("q=a+b".utf8))
        #expect(constant.prebuilt != nil)
        #expect(templated.body { _ in .string("x&y") } == Array("q=x%26y".utf8))
    }
}

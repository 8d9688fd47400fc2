import AsyncHTTPClient
import Artifacts
import Foundation
import NIOCore
import NIOHTTP1

/// Why a virtual user could not be prepared: the login or a setup step, and what answered.
struct SessionFailure: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// The requests that prepare a virtual user rather than load the app: the CSRF form page, the
/// login, the setup steps. They carry and update the user's cookies like load requests do, but
/// are not recorded: they measure nothing about the app under chaos.
struct SessionClient: Sendable {
    let client: HTTPClient
    let baseURL: String
    let timeout: TimeAmount
    let bodyCap: Int

    /// One request as `user`: its cookies and bearer token go out, the answer's cookies come back in.
    func exchange(
        method: HTTPMethod, path: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil, user: VirtualUser
    ) -> EventLoopFuture<ResponseOutcome> {
        var headers = headers
        let now = Date().timeIntervalSince1970
        if let cookie = user.jar.header(for: path, now: now) { headers.replaceOrAdd(name: "Cookie", value: cookie) }
        if let bearer = user.bearer, !headers.contains(name: "Authorization") {
            headers.add(name: "Authorization", value: "Bearer \(bearer)")
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: baseURL + path, method: method, headers: headers, body: body.map { .bytes($0) })
        } catch {
            return client.eventLoopGroup.next().makeFailedFuture(
                SessionFailure(description: "\(method.rawValue) \(path) is not a valid URL (\(error)); fix the plan"))
        }
        let task = client.execute(
            request: request, delegate: ResponseCollector(keepBody: true, cap: bodyCap), eventLoop: .indifferent,
            deadline: .now() + timeout)
        return task.futureResult.map { outcome in
            user.jar.receive(outcome.setCookies, requestPath: path, now: Date().timeIntervalSince1970)
            return outcome
        }.flatMapErrorThrowing { error in
            if error is SessionFailure { throw error }
            throw SessionFailure(description: "\(method.rawValue) \(path) got no answer (\(error))")
        }
    }

    /// Logs `user` in: fetches the form page and its CSRF token first when asked, posts the
    /// credentials, and keeps the session cookie (the jar does) or the bearer token.
    func login(_ login: PlanLogin, user: VirtualUser) -> EventLoopFuture<Void> {
        guard login.csrf else { return submit(login, token: nil, user: user) }
        return exchange(method: .GET, path: login.page, headers: ["Accept": "text/html"], user: user).flatMap { page in
            guard (200..<300).contains(page.status) else {
                return client.eventLoopGroup.next().makeFailedFuture(
                    SessionFailure(description: "the login page GET \(login.page) answered \(page.status)\(Self.snippet(page)); check `login.page`"))
            }
            guard let token = CSRFToken.find(in: String(decoding: page.body ?? [], as: UTF8.self)) else {
                return client.eventLoopGroup.next().makeFailedFuture(
                    SessionFailure(
                        description: "GET \(login.page) holds no CSRF token (looked for <input name=\"csrfmiddlewaretoken\">, <input name=\"csrf_token\"> and <meta name=\"csrf-token\">); set `login.page` to the page with the form, or drop `csrf: true`"))
            }
            return submit(login, token: token, user: user)
        }
    }

    private func submit(_ login: PlanLogin, token: CSRFToken?, user: VirtualUser) -> EventLoopFuture<Void> {
        var headers = HTTPHeaders(login.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let body: [UInt8]
        if var form = login.form {
            if let token, let field = token.field, form[field] == nil { form[field] = token.value }
            body = FormEncoding.encode(form)
            if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: FormEncoding.contentType) }
        } else {
            body = (login.json ?? .object([:])).serialized()
            if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
        }
        if let token {
            // Django reads X-CSRFToken, Flask-WTF X-CSRFToken or X-CSRF-Token; over plain HTTP
            // neither checks Referer (Django only does for HTTPS), but a same-origin one is harmless.
            headers.replaceOrAdd(name: "X-CSRFToken", value: token.value)
            headers.replaceOrAdd(name: "X-CSRF-Token", value: token.value)
            headers.replaceOrAdd(name: "Referer", value: baseURL + login.page)
        }
        let method = HTTPMethod(rawValue: login.method)
        let what = "login \(login.method) \(login.path)"
        return exchange(method: method, path: login.path, headers: headers, body: body, user: user)
            .flatMapThrowing { answer in
                guard (200..<400).contains(answer.status) else {
                    throw SessionFailure(description: "\(what) answered \(answer.status)\(Self.snippet(answer)); check the credentials and the login path")
                }
                if (300..<400).contains(answer.status), let location = answer.location,
                    [login.path, login.page].contains(Self.path(of: location))
                {
                    throw SessionFailure(description: "\(what) answered \(answer.status) back to \(location): the app refused the credentials\(token == nil ? "" : " or the CSRF token")")
                }
                if let pointer = login.token {
                    let document = answer.body.flatMap { try? JSONValue.parse(Data($0)) }
                    guard (200..<300).contains(answer.status), let value = document?.value(atPointer: pointer),
                        !value.isContainer, value != .null
                    else {
                        throw SessionFailure(description: "\(what) answered \(answer.status) without a token at \(pointer)\(Self.snippet(answer)); fix `login.token`")
                    }
                    user.loggedIn(bearer: value.interpolationText)
                    return
                }
                if login.form != nil, (200..<300).contains(answer.status),
                    CSRFToken.hasPasswordField(String(decoding: answer.body ?? [], as: UTF8.self))
                {
                    throw SessionFailure(description: "\(what) answered \(answer.status) with the login form again: the app refused the credentials\(token == nil ? "" : " or the CSRF token")")
                }
                user.loggedIn(bearer: nil)
            }
    }

    /// Runs the plan's setup steps once as `user` (logged in first when the plan has a login) and
    /// returns the values their `extract:` took.
    func setup(_ plan: CompiledPlan, user: VirtualUser) async -> Result<[String: JSONValue], SessionFailure> {
        do {
            if let login = plan.login { try await self.login(login, user: user).get() }
            var values: [String: JSONValue] = [:]
            for step in plan.setup {
                // Setup runs once, so a parameter takes its first value: the same run after run.
                let lookup: (String) -> JSONValue? = { name in
                    values[name] ?? step.params[name]?.first ?? plan.params[name]?.first
                }
                let path = PlanTemplate.fill(step.path, encode: true, lookup)
                let answer = try await exchange(
                    method: step.method, path: path, headers: step.headers, body: step.body(lookup), user: user
                ).get()
                guard (200..<300).contains(answer.status) else {
                    return .failure(SessionFailure(description: "setup step \(step.name): \(step.method.rawValue) \(path) answered \(answer.status)\(Self.snippet(answer)); the phase was not run"))
                }
                let document = answer.body.flatMap { try? JSONValue.parse(Data($0)) }
                for (variable, pointer) in step.extract.sorted(by: { $0.key < $1.key }) {
                    let found =
                        pointer == PlanRequest.locationPointer
                        ? answer.location.flatMap(PlanRequest.locationValue) : document?.value(atPointer: pointer)
                    guard let found else {
                        return .failure(SessionFailure(description: "setup step \(step.name): the answer has nothing at \(pointer) for {\(variable)}; the phase was not run"))
                    }
                    values[variable] = found
                }
            }
            return .success(values)
        } catch let failure as SessionFailure {
            return .failure(SessionFailure(description: "setup: \(failure.description); the phase was not run"))
        } catch {
            return .failure(SessionFailure(description: "setup: \(error); the phase was not run"))
        }
    }

    /// The path of a `Location` value, absolute or relative, without its query.
    static func path(of location: String) -> String {
        var rest = Substring(location)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        return String(rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// `: <first bytes of the body>` for a message, or nothing when the body is empty.
    private static func snippet(_ answer: ResponseOutcome) -> String {
        let text = String(decoding: (answer.body ?? []).prefix(160), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.isEmpty ? "" : " (\(text))"
    }
}

import Synchronization

/// The cookies one virtual user holds, so a session the app starts is carried on the user's later
/// requests the way a browser would.
///
/// async-http-client keeps no cookies. This jar implements the part of RFC 6265 a loopback app
/// needs: `name=value`, `Path` (default path and path matching) and `Expires`/`Max-Age`
/// (`Max-Age` wins; zero or past deletes). `Domain` is ignored because the target is one host;
/// `Secure` is ignored because the target is plain-HTTP loopback, which browsers also treat as
/// secure.
final class CookieJar: Sendable {
    struct Cookie: Sendable, Equatable {
        var name: String
        var value: String
        var path: String
        /// Unix seconds after which the cookie is gone; nil for a session cookie.
        var expiresAt: Double?
    }

    private let cookies = Mutex<[Cookie]>([])

    /// Stores the `Set-Cookie` header values of an answer to a request for `requestPath`.
    func receive(_ setCookies: [String], requestPath: String, now: Double) {
        guard !setCookies.isEmpty else { return }
        let parsed = setCookies.compactMap { Self.parse($0, requestPath: requestPath, now: now) }
        cookies.withLock { cookies in
            for cookie in parsed {
                let live = (cookie.expiresAt ?? .infinity) > now
                // A replaced cookie keeps its place: RFC 6265 orders equal paths by creation time.
                if let index = cookies.firstIndex(where: { $0.name == cookie.name && $0.path == cookie.path }) {
                    if live { cookies[index] = cookie } else { cookies.remove(at: index) }
                } else if live {
                    cookies.append(cookie)
                }
            }
        }
    }

    /// The `Cookie` header for a request to `path` (query allowed), or nil when no cookie applies.
    /// Longer paths come first, as RFC 6265 §5.4 asks.
    func header(for path: String, now: Double) -> String? {
        let requestPath = Self.pathOnly(path)
        let matching = cookies.withLock { cookies -> [Cookie] in
            cookies.removeAll { ($0.expiresAt ?? .infinity) <= now }
            return cookies.filter { Self.pathMatches(requestPath, cookiePath: $0.path) }
        }
        guard !matching.isEmpty else { return nil }
        // Stable on purpose: among equal paths, the older cookie first.
        let ordered = matching.enumerated().sorted { ($0.element.path.count, $1.offset) > ($1.element.path.count, $0.offset) }
        return ordered.map(\.element).map { "\($0.name)=\($0.value)" }
            .joined(separator: "; ")
    }

    /// The value of the live cookie called `name`, whatever its path (Django's `csrftoken`).
    func value(named name: String, now: Double) -> String? {
        cookies.withLock { cookies in
            cookies.first { $0.name == name && ($0.expiresAt ?? .infinity) > now }?.value
        }
    }

    static func parse(_ header: String, requestPath: String, now: Double) -> Cookie? {
        var parts = header.split(separator: ";", omittingEmptySubsequences: false).makeIterator()
        guard let pair = parts.next(), let equals = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<equals].trimmingSpaces
        guard !name.isEmpty else { return nil }
        var value = pair[pair.index(after: equals)...].trimmingSpaces
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        var path = defaultPath(requestPath)
        var maxAge: Double?
        var expires: Double?
        while let attribute = parts.next() {
            let (key, argument): (String, String)
            if let equals = attribute.firstIndex(of: "=") {
                key = attribute[..<equals].trimmingSpaces.lowercased()
                argument = attribute[attribute.index(after: equals)...].trimmingSpaces
            } else {
                key = attribute.trimmingSpaces.lowercased()
                argument = ""
            }
            switch key {
            case "path" where argument.hasPrefix("/"): path = argument
            case "max-age": if let seconds = Int(argument) { maxAge = seconds <= 0 ? -.infinity : Double(seconds) }
            case "expires": expires = HTTPDate.unixSeconds(argument)
            default: break
            }
        }
        let expiresAt = maxAge.map { $0 == -.infinity ? now - 1 : now + $0 } ?? expires
        return Cookie(name: name, value: value, path: path, expiresAt: expiresAt)
    }

    /// RFC 6265 §5.1.4: the request path up to, not including, its last `/`; `/` when that is empty.
    static func defaultPath(_ requestPath: String) -> String {
        let path = pathOnly(requestPath)
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// RFC 6265 §5.1.4 path-match.
    static func pathMatches(_ requestPath: String, cookiePath: String) -> Bool {
        if requestPath == cookiePath { return true }
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return cookiePath.hasSuffix("/") || requestPath.dropFirst(cookiePath.count).hasPrefix("/")
    }

    private static func pathOnly(_ path: String) -> String {
        String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

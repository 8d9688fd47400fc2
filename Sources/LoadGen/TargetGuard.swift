import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Decides whether a target URL may receive load. Load tests flood a server with requests: pointed
/// at someone else's machine by a typo they are an attack, so only this machine is allowed unless
/// the user says otherwise. Host names other than `localhost` are never resolved here.
public enum TargetGuard {
    /// Returns the target's base URL if it may be loaded, or throws a ``LoadError`` saying why not.
    public static func check(_ text: String, allowRemote: Bool) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else {
            throw LoadError.badArgument(
                "--url '\(text)' is not an absolute URL; write it like http://127.0.0.1:8000.")
        }
        guard scheme == "http" || scheme == "https" else {
            throw LoadError.badArgument("--url '\(text)' uses '\(scheme)'; only http and https targets can be loaded.")
        }
        if allowRemote || isLoopback(host: host) { return url }
        throw LoadError.badArgument(
            "refusing to send load to '\(host)': it is not a loopback address (127.0.0.0/8, ::1 or localhost). "
                + "A load test sends thousands of requests; aimed at a machine you do not own, that is an attack. "
                + "Start the app on 127.0.0.1, or pass --allow-remote if the target is yours and you mean it.")
    }

    /// True for `localhost`, any 127.0.0.0/8 address, `::1` and IPv4-mapped loopback addresses.
    public static func isLoopback(host rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host = String(host.dropLast()) }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            // s_addr is in network byte order: its first byte in memory is the first octet.
            return withUnsafeBytes(of: &v4.s_addr) { $0[0] } == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            let mapped = bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF
            return mapped && bytes[12] == 127
        }
        return false
    }
}

import Foundation

/// How long a 429 asks the client to wait.
enum RetryAfter {
    static let defaultSeconds = 1.0
    /// A server asking for more than this is answered by waiting this long and asking again.
    static let maxSeconds = 60.0

    /// Seconds to wait: the header's delay-seconds or HTTP date, else one second; capped at a minute.
    static func seconds(_ header: String?, now: Double) -> Double {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return defaultSeconds }
        if let seconds = Double(header), seconds >= 0 { return min(seconds, maxSeconds) }
        if let date = HTTPDate.unixSeconds(header) { return min(max(0, date - now), maxSeconds) }
        return defaultSeconds
    }
}

import Artifacts
import Foundation

extension PlanRequest {
    /// The `extract:` value that takes the last path segment of the response's `Location`
    /// header instead of a field of its body: APIs that answer a create with
    /// `201 Location: /bookings/42` and no body hand out the new id this way.
    public static let locationPointer = "header:location"

    /// The id in a `Location` header value: its last non-empty path segment, query and fragment cut.
    static func locationValue(_ header: String) -> JSONValue? {
        let path = header.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let last = path.split(separator: "/").last, !last.contains(":") else { return nil }
        return .string(last.removingPercentEncoding ?? String(last))
    }
}

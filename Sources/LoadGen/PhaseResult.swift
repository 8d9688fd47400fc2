import Artifacts

/// What a phase produced.
public struct PhaseResult: Sendable {
    public var name: String
    /// Per endpoint key plus `"*"`; empty for an unrecorded phase (warm-up).
    public var summary: [String: EndpointSummary]
    /// Requests that completed (recorded or not).
    public var completed: Int
    /// The phase was stopped by a ``StopSignal`` rather than by its request count or duration.
    public var interrupted: Bool
    /// Problems that did not stop the phase, such as a flow whose extract pointer found nothing.
    public var notes: [String]
    /// Why the plan could not log in or set up (the phase then sent nothing more); nil when it could.
    public var refused: String? = nil
}

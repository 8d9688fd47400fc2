/// A running ``LiveMonitor``: ``stop()`` ends the ticking and makes a last tick, which catches
/// what the final second wrote. Dropping the session (a load that threw) cancels the ticking.
public final class MonitorSession: Sendable {
    let monitor: LiveMonitor
    let ticker: Task<Void, Never>

    init(monitor: LiveMonitor, ticker: Task<Void, Never>) {
        self.monitor = monitor
        self.ticker = ticker
    }

    deinit { ticker.cancel() }

    public func stop() async {
        ticker.cancel()
        await ticker.value
        monitor.tick(final: true)
    }
}

import Foundation
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

/// What the run and the Locust engine both need about the processes they start on this machine.
public enum LocalProcess {
    /// True while the process exists and is not a zombie (an exited child stays one until reaped).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // /proc files report a size of 0, so read them with read(2) until it returns nothing.
        let fd = open("/proc/\(pid)/stat", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        let stat = String(decoding: bytes, as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// A free TCP port on 127.0.0.1, chosen by the kernel; nil when no socket can be bound.
    public static func freeLoopbackPort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// This process's environment with `variables` set on top, as swift-subprocess keys. A
    /// name becomes an `Environment.Key` through a coding key, the public way to build one from
    /// a runtime string: `.custom` with raw bytes hands rows to strdup without a NUL in 1.0.2.
    public static func environmentEntries(adding variables: [String: String]) -> [Environment.Key: String] {
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in variables { merged[name] = value }
        var entries: [Environment.Key: String] = [:]
        for (name, value) in merged {
            if let key = Environment.Key(codingKey: VariableName(stringValue: name)) { entries[key] = value }
        }
        return entries
    }
}

private struct VariableName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

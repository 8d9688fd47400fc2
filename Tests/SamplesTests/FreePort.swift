import Glibc

/// Loopback TCP ports nobody listens on right now, found by binding port 0.
enum FreePort {
    /// `count` distinct ports: every socket stays bound until all are picked, so the kernel
    /// cannot hand the same port out twice.
    static func pick(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let (fd, port) = try bindAny()
            sockets.append(fd)
            ports.append(port)
        }
        return ports
    }

    private static func bindAny() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(message: "socket() failed: errno \(errno)") }
        var keep = false
        defer { if !keep { close(fd) } }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw SetupError(message: "bind(127.0.0.1:0) failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw SetupError(message: "getsockname failed: errno \(errno)") }
        keep = true
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

import Foundation
import Glibc

/// A plain HTTP/1.1 client over a blocking socket to 127.0.0.1: one request per connection
/// (`Connection: close`), read to EOF. Small on purpose: the tests need no proxy handling,
/// pooling or redirects, and a socket timeout turns a hung server into a failure.
enum LoopbackHTTP {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data

        /// The body parsed as JSON, or nil when it is not JSON.
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func request(
        _ method: String, port: Int, path: String, json: Any? = nil, timeoutSeconds: Int = 15
    ) throws -> Response {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: application/json\r\n"
        if json != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        let raw = try exchange(port: port, request: Data(head.utf8) + body, timeoutSeconds: timeoutSeconds)
        return try parse(raw, what: "\(method) \(path)")
    }

    private static func exchange(port: Int, request: Data, timeoutSeconds: Int) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(message: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SetupError(message: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
        try request.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let n = send(fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw SetupError(message: "send to 127.0.0.1:\(port) failed: errno \(errno)") }
                sent += n
            }
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { break }
            guard n > 0 else {
                throw SetupError(message: "reading from 127.0.0.1:\(port) failed (errno \(errno)) after \(received.count) bytes; a timeout means the server hung")
            }
            received.append(contentsOf: chunk[0..<n])
        }
        return received
    }

    private static func parse(_ raw: Data, what: String) throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        guard let split = raw.range(of: separator) else {
            throw SetupError(message: "\(what): malformed response, no end of headers in \(raw.count) bytes")
        }
        let headLines = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = headLines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw SetupError(message: "\(what): malformed status line '\(headLines[0])'")
        }
        var headers: [String: String] = [:]
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body, what: what)
        } else if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count == length else {
                throw SetupError(message: "\(what): body has \(body.count) bytes, Content-Length says \(length)")
            }
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: Data, what: String) throws -> Data {
        var output = Data()
        var rest = data[...]
        let crlf = Data("\r\n".utf8)
        while true {
            guard let end = rest.range(of: crlf),
                let size = Int(String(decoding: rest[..<end.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw SetupError(message: "\(what): malformed chunked body") }
            if size == 0 { return output }
            let start = end.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else {
                throw SetupError(message: "\(what): truncated chunked body")
            }
            let stop = rest.index(start, offsetBy: size)
            output.append(rest[start..<stop])
            rest = rest[rest.index(stop, offsetBy: 2)...]
        }
    }
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// What came back for one request.
struct ResponseOutcome: Sendable {
    var status: Int
    var bytes: Int
    /// The first bytes of the body, kept only when a flow step extracts values from it.
    var body: [UInt8]?
    /// The `Location` header, kept like the body only when a flow step extracts values.
    var location: String? = nil
    /// `Set-Cookie` values, for the virtual user's cookie jar.
    var setCookies: [String] = []
    /// The `Retry-After` header of a 429, for the back-off.
    var retryAfter: String? = nil
}

/// Counts response bytes without keeping them, except up to a cap when a flow needs the body.
///
/// `@unchecked Sendable`: the client calls a delegate's methods one after another on the
/// request's event loop, so its state is never touched from two threads at once.
final class ResponseCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = ResponseOutcome

    private let keepBody: Bool
    private let cap: Int
    private var status = 0
    private var bytes = 0
    private var body: [UInt8] = []
    private var location: String?
    private var setCookies: [String] = []
    private var retryAfter: String?

    init(keepBody: Bool, cap: Int) {
        self.keepBody = keepBody
        self.cap = cap
    }

    func didReceiveHead(task: HTTPClient.Task<ResponseOutcome>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        if keepBody { location = head.headers.first(name: "Location") }
        setCookies = head.headers["Set-Cookie"]
        if status == 429 { retryAfter = head.headers.first(name: "Retry-After") }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<ResponseOutcome>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        bytes += buffer.readableBytes
        if keepBody && body.count < cap {
            let take = min(cap - body.count, buffer.readableBytes)
            body.append(contentsOf: buffer.readableBytesView.prefix(take))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<ResponseOutcome>) throws -> ResponseOutcome {
        ResponseOutcome(
            status: status, bytes: bytes, body: keepBody ? body : nil, location: location, setCookies: setCookies,
            retryAfter: retryAfter)
    }
}

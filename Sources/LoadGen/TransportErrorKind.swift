import AsyncHTTPClient
import Artifacts
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Maps what the HTTP client threw to the error kinds of CONTRACTS.md.
enum TransportErrorKind {
    static func classify(_ error: Error) -> LoadErrorKind {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout,
                .tlsHandshakeTimeout:
                return .timeout
            case .remoteConnectionClosed, .cancelled, .uncleanShutdown, .requestStreamCancelled:
                return .reset
            default:
                return .malformed
            }
        }
        if let error = error as? IOError { return classify(errno: error.errnoCode) }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return .refused
            }
            if let first = error.connectionErrors.first?.error { return classify(first) }
            return .refused
        }
        if error is ChannelError {
            switch error as! ChannelError {
            case .connectTimeout: return .timeout
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: return .reset
            default: return .reset
            }
        }
        if error is HTTPParserError || error is NIOHTTPDecoderError { return .malformed }
        return .reset
    }

    static func classify(errno code: Int32) -> LoadErrorKind {
        switch code {
        case ECONNREFUSED: return .refused
        case ETIMEDOUT: return .timeout
        default: return .reset
        }
    }
}

import Hummingbird
import NIOCore

/// A request's context: what Hummingbird needs, the client's address (the loopback-only
/// `/metrics`, throttles) and who is asking (set by the ``Authentication`` middleware).
public struct MosaicRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var identity: Identity = .anonymous

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// True when the client is this machine (127.0.0.0/8 or ::1).
    public static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

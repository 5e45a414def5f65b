import Foundation
import Hummingbird
import Logging
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore

/// The running service: the JSON API (contract `service.md`), health, and (to come) the
/// dashboard pages. It reads what the store keeps and renders it for the viewer's scope;
/// it computes no index itself.
public struct MosaicServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Counts below this are suppressed in every public view.
        public var minimumN: Int

        public init(host: String = "127.0.0.1", port: Int = 8080, minimumN: Int = 10) {
            self.host = host
            self.port = port
            self.minimumN = minimumN
        }
    }

    public let store: any Store
    public let options: Options
    let diagnostics: DiagnosticCache
    let pages: PageCache

    public init(store: any Store, options: Options) {
        self.store = store
        self.options = options
        diagnostics = DiagnosticCache(store: store)
        pages = PageCache()
    }

    public var policy: SuppressionPolicy { SuppressionPolicy(minimumN: options.minimumN) }

    /// The router with every route; `application()` serves it, tests call it directly.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in "ok" }
        API(server: self).add(to: router)
        Pages(server: self).add(to: router)
        return router
    }

    public func application(logger: Logger? = nil) -> some ApplicationProtocol {
        var log = logger ?? Logger(label: "mosaic.server")
        if logger == nil { log.logLevel = .info }
        return Application(
            router: router(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Mosaic"),
            logger: log)
    }
}

/// Decoded diagnostics by district and term, read from the store once. A term's
/// diagnostic changes only by a new import, which `invalidate` reports.
actor DiagnosticCache {
    let store: any Store
    var decoded: [String: Diagnostic] = [:]

    init(store: any Store) { self.store = store }

    func diagnostic(district: String, term: String) async throws -> Diagnostic? {
        let key = "\(district)\u{1F}\(term)"
        if let d = decoded[key] { return d }
        guard let kept = try await store.diagnostic(district: district, term: term) else { return nil }
        let d = try Diagnostic(archived: kept.json)
        decoded[key] = d
        return d
    }

    func invalidate() { decoded = [:] }
}

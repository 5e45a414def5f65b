import Foundation
import Hummingbird
import Logging
import MosaicCore
import MosaicDiagnostic
import MosaicReport
import MosaicStore
import NIOCore
import Prometheus

/// The running service: the JSON API (contract `service.md`), health, and (to come) the
/// dashboard pages. It reads what the store keeps and renders it for the viewer's scope;
/// it computes no index itself.
public struct MosaicServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Counts below this are suppressed in every public view.
        public var minimumN: Int
        /// The guidebook's root causes, actions and planning steps, for the action plan.
        public var guidebook: Guidebook

        /// Sign-in cookies carry `Secure` (sent over TLS only): for a deployment behind HTTPS.
        public var secureCookies: Bool
        /// The bcrypt cost accounts are made with (`mosaic user add`: 12): a sign-in for an
        /// unknown email is checked against a decoy of this cost.
        public var passwordCost: UInt8 = 12
        /// Background jobs run at once (default: one fewer than the cores) and waiting.
        public var jobWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        public var jobCapacity = 8
        /// Districts whose diagnostics stay decoded (least recently used out).
        public var diagnosticDistricts = 32
        /// Districts the home page lists at once; past that, a page at a time with a filter.
        public var homeDistrictsPerPage = 50
        /// This server among a deployment's servers, in the jobs it runs: `host name:port`.
        public var serverName: String
        /// A running job with no heartbeat for this long is run again by another worker.
        public var jobTimeout: Duration = .seconds(30)

        public init(host: String = "127.0.0.1", port: Int = 8080, minimumN: Int = 10, guidebook: Guidebook = Guidebook(rootCauses: [], actions: []),
                    secureCookies: Bool = false) {
            self.host = host
            self.port = port
            self.minimumN = minimumN
            self.guidebook = guidebook
            self.secureCookies = secureCookies
            serverName = "\(Self.hostName()):\(port)"
        }

        static func hostName() -> String {
            var buffer = [CChar](repeating: 0, count: 256)
            guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    public let store: any Store
    public let options: Options
    let diagnostics: DiagnosticCache
    let pages: PageCache
    let rosters: RosterCache
    let publicDistricts = PublicDistrictIndex()
    let throttle: LoginThrottle
    /// CPU-heavy work (boundary scenarios, schedule reviews, imports), bounded, kept in
    /// the store: `jobs.start()` before serving.
    public let jobs: JobRunner
    /// This server's metrics, served at `/metrics`.
    public let registry: PrometheusCollectorRegistry

    public init(store: any Store, options: Options) {
        self.store = store
        self.options = options
        diagnostics = DiagnosticCache(store: store, capacity: options.diagnosticDistricts)
        pages = PageCache()
        rosters = RosterCache()
        throttle = LoginThrottle(store: store)
        var jobSettings = JobRunner.Settings(workers: options.jobWorkers, capacity: options.jobCapacity)
        jobSettings.staleAfter = options.jobTimeout
        jobSettings.heartbeat = min(.seconds(1), options.jobTimeout / 5)
        jobs = JobRunner(store: store, name: options.serverName, settings: jobSettings)
        jobs.register(BoundaryPages.kind, BoundaryPages.handler(store: store))
        jobs.register(SchedulePages.kind, SchedulePages.handler(store: store))
        jobs.register(ImportPages.kind(options.serverName), ImportPages.handler(store: store, options: options))
        registry = PrometheusCollectorRegistry()
    }

    public var policy: SuppressionPolicy { SuppressionPolicy(minimumN: options.minimumN) }

    /// What the district's own staff see: every count, no coding near 0 or 100 %.
    static let unsuppressed = SuppressionPolicy(minimumN: 1, lowShare: 0, highShare: 1)

    /// The router with every route; `application()` serves it, tests call it directly.
    public func router() -> Router<MosaicRequestContext> {
        let router = Router(context: MosaicRequestContext.self)
        router.add(middleware: Observability(registry: registry))
        router.add(middleware: PrivateResponses())
        router.add(middleware: Authentication(store: store))
        router.add(middleware: ReplicaReads())
        // Inside authentication: the site's 404 page keeps the reader's account links.
        router.add(middleware: NotFoundPages())
        router.get("healthz") { _, _ in "ok" }
        let registry = registry, store = store
        router.get("metrics") { _, context in
            guard MosaicRequestContext.isLoopback(context.remoteAddress) else {
                throw APIError(.forbidden, "/metrics answers only to this machine (127.0.0.1)")
            }
            var text = registry.emitToBuffer()
            if let replicated = (store as? SQLStore)?.database as? ReplicatedDatabase {
                let reads = replicated.replicaReads
                text += Array("""
                    # HELP mosaic_store_replica_reads_total Reads answered by the read replica, and reads it could not answer (asked of the primary).
                    # TYPE mosaic_store_replica_reads_total counter
                    mosaic_store_replica_reads_total{outcome="replica"} \(reads.replica)
                    mosaic_store_replica_reads_total{outcome="fallback"} \(reads.fallback)

                    """.utf8)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        let openAPI = OpenAPI.document().serialized() + "\n"
        router.get("openapi.json") { _, _ in API.json(text: openAPI) }
        API(server: self).add(to: router)
        Pages(server: self).add(to: router)
        SignIn(server: self).add(to: router)
        Work(server: self).add(to: router)
        ActionPlan(server: self).add(to: router)
        Rounds(server: self).add(to: router)
        FamilyRounds(server: self).add(to: router)
        SchedulePages(server: self).add(to: router)
        PolicyPages(server: self).add(to: router)
        OpenHonorsPages(server: self).add(to: router)
        EnrichmentPages(server: self).add(to: router)
        BoundaryPages(server: self).add(to: router)
        RoundPages(server: self).add(to: router)
        ClassListPages(server: self).add(to: router)
        ImportPages(server: self).add(to: router)
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

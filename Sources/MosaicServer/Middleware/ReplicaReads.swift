import Hummingbird
import MosaicStore

/// A visitor who is not signed in and only reads (`GET`, `HEAD`) is answered from the
/// read replica when the store has one (``ReplicatedDatabase``; `mosaic serve
/// --read-replica`): the public pages may be a moment behind the primary, and take their
/// load off it. A signed-in person (session or token) reads the primary, so they always
/// see their own writes; writes go to the primary whoever makes them.
struct ReplicaReads: RouterMiddleware {
    typealias Context = MosaicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let identity = context.identity
        guard request.method == .get || request.method == .head, identity.session == nil, identity.tokenViewer == nil, !identity.tokenRefused else {
            return try await next(request, context)
        }
        return try await ReadRouting.$replicaAllowed.withValue(true) { try await next(request, context) }
    }
}

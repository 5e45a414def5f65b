import Hummingbird
import MosaicStore

/// Who sent a request, found once before any route runs: the account behind an API token
/// (`Authorization: Bearer …`, for `/api`) and behind a sign-in session cookie (for the
/// pages, with the session's CSRF token for their forms). Anonymous requests cost no
/// store read. Routes read ``MosaicRequestContext/identity``; none looks at headers or
/// cookies for itself.
public struct Identity: Sendable {
    /// The token's account; nil when no token was sent.
    public var tokenViewer: Viewer?
    /// A token was sent and is not one the store knows (revoked, mistyped, forged).
    public var tokenRefused = false
    /// The sign-in session and its account; nil when there is none (or it expired).
    public var session: WebSession?
    public var sessionViewer: Viewer = .anonymous

    public static let anonymous = Identity()

    /// Who an API route answers: the token's account, the public without one.
    /// - Throws: 401 for a token the store does not know.
    public func apiViewer() throws -> Viewer {
        if tokenRefused { throw APIError(.unauthorized, "the API token is not valid; create one with mosaic token create, or send none for the public view") }
        return tokenViewer ?? .anonymous
    }

    /// Who a page answers: the signed-in account, with its session.
    public var signedIn: (viewer: Viewer, session: WebSession?) { (sessionViewer, session) }
}

/// Finds the request's ``Identity`` in the store and puts it on the context.
struct Authentication: RouterMiddleware {
    typealias Context = MosaicRequestContext
    let store: any Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var identity = Identity()
        if let header = request.headers[.authorization] {
            if header.hasPrefix("Bearer "), case let token = String(header.dropFirst(7)), !token.isEmpty,
               let user = try await store.user(tokenHash: Accounts.tokenHash(token)) {
                identity.tokenViewer = Viewer(user)
            } else {
                identity.tokenRefused = true
            }
        }
        if let cookie = request.cookies[SignIn.sessionCookie]?.value, !cookie.isEmpty,
           let (session, user) = try await store.session(hash: Accounts.tokenHash(cookie), now: .now) {
            identity.session = session
            identity.sessionViewer = Viewer(user)
        }
        context.identity = identity
        let links = identity.session.map(Pages.accountLinks) ?? Pages.signInLink
        return try await Pages.$account.withValue(links) { try await next(request, context) }
    }
}

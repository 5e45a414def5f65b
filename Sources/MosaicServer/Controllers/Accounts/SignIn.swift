import Foundation
import Hummingbird
import MosaicCore
import MosaicReport
import MosaicStore

/// Sign-in for the dashboard: a form, a session cookie (HttpOnly, SameSite), a CSRF
/// token on every form, and throttling of failed attempts. The cookie and the tokens are
/// random; the store keeps only the cookie's SHA-256.
struct SignIn: Sendable {
    let server: MosaicServer
    static let sessionCookie = "mosaic_session", csrfCookie = "mosaic_csrf"
    /// A session lasts a working day.
    static let lifetime: TimeInterval = 8 * 3_600

    func add(to router: Router<MosaicRequestContext>) {
        router.get("login") { request, _ in self.page(request, message: nil, status: .ok) }
        router.post("login") { request, context in try await self.login(request, address: context.remoteAddress?.ipAddress ?? "unknown") }
        router.post("logout") { request, context in try await self.logout(request, context) }
    }

    /// Who is looking: the user of a live session cookie, or the public.

    /// The sign-in form; a fresh CSRF cookie when the browser has none (double submit:
    /// the form's hidden field must match the cookie).
    func page(_ request: Request, message: String?, status: HTTPResponse.Status, email: String = "") -> Response {
        let existing = request.cookies[Self.csrfCookie]?.value
        let token = existing.flatMap { $0.isEmpty ? nil : $0 } ?? Accounts.newToken()
        var body = SiteNavigation(viewer: "Public view").html
        body += "<h1>Sign in</h1><p class=\"note\">For the district's staff and school leaders. Everyone else sees the public view, where small counts are suppressed.</p>"
        if let message { body += "<p class=\"widened\" role=\"alert\">\(message)</p>" }
        body += """
            <form method="post" action="/login"><input type="hidden" name="csrf" value="\(token)">
            <p><label>Email<br><input name="email" type="email" autocomplete="username" required value="\(email)" style="font-size:1rem;padding:.4rem;width:min(24rem,100%)"></label></p>
            <p><label>Password<br><input name="password" type="password" autocomplete="current-password" required style="font-size:1rem;padding:.4rem;width:min(24rem,100%)"></label></p>
            <p><button type="submit" style="font-size:1rem;padding:.45rem 1.2rem">Sign in</button></p></form>
            """
        var response = Pages.html(Dashboard.standalone(title: "Sign in — Mosaic", body: body), status: status)
        if existing != token {
            response.setCookie(Cookie(name: Self.csrfCookie, value: token, path: "/login", secure: server.options.secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    struct LoginForm: Decodable {
        var csrf: String?
        var email: String?
        var password: String?
    }

    struct LogoutForm: Decodable {
        var csrf: String?
    }

    /// The bcrypt hash a sign-in is checked against: the account's, or for an email with no
    /// account a decoy of the cost accounts are made with (so both take one bcrypt check).
    static func hashToCheck(_ account: UserRecord?, cost: UInt8) -> String {
        account?.passwordHash ?? Accounts.decoy(cost: cost)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int = 16_384) async throws -> T? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: limit) else { return nil }
        return try? URLEncodedFormDecoder().decode(type, from: String(buffer: buffer))
    }

    func login(_ request: Request, address: String) async throws -> Response {
        guard let form = try await Self.decode(LoginForm.self, request),
              let csrf = form.csrf, !csrf.isEmpty, csrf == request.cookies[Self.csrfCookie]?.value else {
            return page(request, message: "The form had expired. Please sign in again.", status: .forbidden)
        }
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let now = Date()
        if let wait = try await server.throttle.lockedFor(email, address: address, now: now) {
            return page(request, message: "Too many failed attempts for this account or from this address. Try again in \(Int(wait / 60) + 1) minutes.",
                        status: .tooManyRequests, email: email)
        }
        let known = try await server.store.user(email: email)
        // Always one bcrypt check: against the account's hash, or a decoy of the cost
        // accounts are made with, so an unknown email answers as slowly as a known one.
        let matches = Accounts.verify(form.password ?? "", hash: Self.hashToCheck(known, cost: server.options.passwordCost))
        guard let user = known, matches else {
            // One audit row when a lock begins, not one per refused attempt (a flood of
            // attempts must not flood the log and push staff actions off it).
            if try await server.throttle.failed(email, address: address, now: now) {
                try? await server.store.record(AuditEvent(district: known?.district, at: now, actor: email, action: "login-throttled", detail: "from \(address)"))
            }
            // In the account's district log when the account exists.
            try? await server.store.record(AuditEvent(district: known?.district, at: now, actor: email, action: "login-failed", detail: ""))
            return page(request, message: "The email or the password is not right.", status: .unauthorized, email: email)
        }
        try await server.throttle.succeeded(email, address: address)
        let token = Accounts.newToken()
        try await server.store.createSession(WebSession(
            hash: Accounts.tokenHash(token), district: user.district, email: user.email, csrf: Accounts.newToken(),
            createdAt: now, expiresAt: now.addingTimeInterval(Self.lifetime)))
        try await server.store.record(AuditEvent(district: user.district, at: now, actor: user.email, action: "login", detail: user.role.rawValue))
        // Each role lands on its own page (its jobs), not the public home page.
        var response = Response(status: .seeOther, headers: [.location: "/work"])
        response.setCookie(Cookie(name: Self.sessionCookie, value: token, maxAge: Int(Self.lifetime), path: "/", secure: server.options.secureCookies, httpOnly: true, sameSite: .lax))
        response.setCookie(Cookie(name: Self.csrfCookie, value: "", maxAge: 0, path: "/login", httpOnly: true, sameSite: .strict))
        return response
    }

    func logout(_ request: Request, _ context: MosaicRequestContext) async throws -> Response {
        let (viewer, session) = context.identity.signedIn
        guard let session, let form = try await Self.decode(LogoutForm.self, request), form.csrf == session.csrf else {
            return Pages.refused("Refused", "The sign-out form had expired. Go back and reload the page.")
        }
        try await server.store.deleteSession(hash: session.hash)
        try? await server.store.record(AuditEvent(district: session.district, at: Date(), actor: viewer.email ?? "", action: "logout", detail: ""))
        var response = Response(status: .seeOther, headers: [.location: "/"])
        response.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}

/// Failed sign-ins, counted in the store (a restart forgets nothing; servers sharing a
/// database count together) under three keys, each over `window`:
/// - an account from one address (`pairLimit`, 5): that pair waits out the window — a
///   password cannot be guessed at speed, and no one else is locked out by it;
/// - an account from every address (`accountLimit`, 50): guessing from many addresses;
/// - an address across accounts (`addressLimit`, 200): one password tried on many
///   accounts. A school's shared address, where a few staff mistype, stays far below it:
///   20 failures from one address used to lock every account behind it.
struct LoginThrottle: Sendable {
    let store: any Store
    var pairLimit = 5, accountLimit = 50, addressLimit = 200
    var window: TimeInterval = 15 * 60

    func keys(_ email: String, _ address: String) -> [(ThrottleKey, Int)] {
        [(ThrottleKey(scope: "login-pair", subject: email + " " + address), pairLimit),
         (ThrottleKey(scope: "login-account", subject: email), accountLimit),
         (ThrottleKey(scope: "login-address", subject: address), addressLimit)]
    }

    /// How long the account from this address must still wait, or nil.
    func lockedFor(_ email: String, address: String, now: Date) async throws -> TimeInterval? {
        var wait: TimeInterval?
        for (key, limit) in keys(email, address) {
            let count = try await store.hits(key, window: window, now: now)
            if count.hits >= limit { wait = max(wait ?? 0, count.remaining(window: window, now: now)) }
        }
        return wait
    }

    /// Counts a failure; true when it begins a lock (a key reaches its limit), so the lock
    /// is logged once and not once per refused attempt.
    func failed(_ email: String, address: String, now: Date) async throws -> Bool {
        var begins = false
        for (key, limit) in keys(email, address) where try await store.hit(key, window: window, now: now).hits == limit { begins = true }
        return begins
    }

    /// A right password clears the account's failures from this address (not the
    /// account's from elsewhere, nor the address's).
    func succeeded(_ email: String, address: String) async throws {
        try await store.clearHits(ThrottleKey(scope: "login-pair", subject: email + " " + address))
    }
}

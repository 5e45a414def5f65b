import Hummingbird

/// A response to a signed-in reader (a session cookie or an API token) may hold what only
/// they may see: it is never kept by a browser or a proxy (`Cache-Control: no-store`),
/// whatever the route. Public responses keep their own caching.
struct PrivateResponses<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let signedIn = request.headers[.authorization] != nil || request.cookies[SignIn.sessionCookie] != nil
        if signedIn { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

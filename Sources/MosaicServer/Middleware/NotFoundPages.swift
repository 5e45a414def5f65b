import Hummingbird

/// A path no route answers gets the site's own "not found" page (with its navigation, in
/// a landmark, readable on a phone) instead of the framework's bare 404; under `/api`, a
/// JSON error like every other the API gives.
struct NotFoundPages<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/") {
                return API.json(.object([("error", .string("no endpoint \(request.uri.path); the API is described at /openapi.json"))]), status: .notFound)
            }
            return Pages.notFound("Nothing is at “\(request.uri.path)”. Start from the home page, or sign in to reach your own work.")
        }
    }
}

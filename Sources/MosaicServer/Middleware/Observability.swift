import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus

/// What the service reports about itself: one structured log line per request and
/// Prometheus metrics (`/metrics`, answered only to the machine itself).
///
/// Metrics: `mosaic_http_requests_total{method,route,status}` and
/// `mosaic_http_request_duration_seconds{route}`; the route is the matched pattern
/// (`/districts/{district}/terms/{term}`), never the raw path, so the number of series
/// stays bounded.
struct Observability<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry
    static var buckets: [Duration] {
        [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
         .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: HTTPResponse.Status
        let response: Response
        do {
            response = try await next(request, context)
            status = response.status
        } catch let error as HTTPResponseError {
            status = error.status
            record(request, context, status, started)
            throw error
        } catch {
            record(request, context, .internalServerError, started)
            throw error
        }
        record(request, context, status, started)
        return response
    }

    func record(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, _ started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath.map { Self.pattern($0) } ?? "unmatched"
        registry.makeCounter(name: "mosaic_http_requests_total",
                             labels: [("method", request.method.rawValue), ("route", route), ("status", "\(status.code)")]).increment()
        registry.makeDurationHistogram(name: "mosaic_http_request_duration_seconds", labels: [("route", route)],
                                       buckets: Self.buckets).record(elapsed)
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "path": .string(request.uri.path), "route": .string(route),
            "status": .stringConvertible(status.code),
            "ms": .string(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
        ])
    }

    /// `/districts/:district/terms/:term` as OpenAPI writes it.
    static func pattern(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .joined(separator: "/")
    }
}

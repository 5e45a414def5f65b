import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MosaicServer
import NIOCore
import Testing

@Suite struct ObservabilityTests {
    @Test func requestsAreCountedByRoutePatternAndStatus() async throws {
        let f = try await Fixture.make()
        for _ in 0..<2 { _ = try await f.get("/districts/district/terms/2026-spring", as: nil) }
        _ = try await f.get("/districts/district/terms/1999", as: nil)
        _ = try await f.get("/api/v1/districts", as: "forged")
        let text = f.server.registry.emitToString()
        #expect(text.contains(#"mosaic_http_requests_total{method="GET",route="/districts/{district}/terms/{term}",status="200"} 2"#), "\(text)")
        #expect(text.contains(#"mosaic_http_requests_total{method="GET",route="/districts/{district}/terms/{term}",status="404"} 1"#))
        #expect(text.contains(#"mosaic_http_requests_total{method="GET",route="/api/v1/districts",status="401"} 1"#))
        #expect(text.contains("mosaic_http_request_duration_seconds_bucket{route=\"/districts/{district}/terms/{term}\""))
        // Raw paths never become labels.
        #expect(!text.contains("2026-spring"))
    }

    @Test func metricsAnswerOnlyThisMachine() async throws {
        let f = try await Fixture.make()
        // The router test client has no address: refused as any non-loopback client.
        let r = try await f.get("/metrics", as: nil)
        #expect(r.status == .forbidden)
        #expect(MosaicRequestContext.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 9)))
        #expect(MosaicRequestContext.isLoopback(try SocketAddress(ipAddress: "::1", port: 9)))
        #expect(!MosaicRequestContext.isLoopback(try SocketAddress(ipAddress: "10.1.2.3", port: 9)))
        #expect(!MosaicRequestContext.isLoopback(try SocketAddress(ipAddress: "128.0.0.1", port: 9)))
        #expect(!MosaicRequestContext.isLoopback(nil))
    }
}

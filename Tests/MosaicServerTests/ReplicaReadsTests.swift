import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MosaicServer
import MosaicStore
import Testing

/// A server with a read replica (issue 25): a visitor not signed in reads the replica; a
/// token (or a session) reads the primary, so staff see their own writes at once. The
/// replica is a copy of the primary that has fallen behind one write.
@Suite struct ReplicaReadsTests {
    @Test func visitorsReadTheReplicaAndSignedInReadersThePrimary() async throws {
        let dir = FileManager.default.temporaryDirectory
        let (p, r) = (dir.appendingPathComponent("mosaic-primary-\(UUID()).sqlite").path, dir.appendingPathComponent("mosaic-replica-\(UUID()).sqlite").path)
        defer { for path in [p, r] { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } } }
        let primary = try await SQLiteDatabase.open(path: p)
        let f = try await Fixture.make(store: SQLStore(primary))
        try await primary.execute("VACUUM INTO '\(r)'", [])
        let district = try #require(try await f.server.store.districts().first)
        // Written on the primary after the replica's copy: the replica is behind.
        try await primary.execute("UPDATE districts SET name = 'Renamed on the primary' WHERE district_id = ?", [SQLValue(district.id)])
        let replica = try await SQLiteDatabase.open(path: r)
        let replicated = ReplicatedDatabase(primary: primary, replica: replica)
        let server = MosaicServer(store: SQLStore(replicated), options: f.server.options)
        let g = Fixture(server: server, diagnostic: f.diagnostic, tokens: f.tokens, own: f.own, other: f.other)

        let anonymous = try await g.get("/api/v1/districts", as: nil)
        #expect(anonymous.status == .ok && anonymous.body.contains(district.name) && !anonymous.body.contains("Renamed on the primary"))
        #expect(replicated.replicaReads.replica > 0)
        let before = replicated.replicaReads.replica
        let staff = try await g.get("/api/v1/districts", as: "district")
        #expect(staff.status == .ok && staff.body.contains("Renamed on the primary"))
        #expect(replicated.replicaReads.replica == before)
        // The public home page, too, and /metrics says how many reads the replica answered.
        let home = try await g.get("/", as: nil)
        #expect(home.status == .ok && home.body.contains(district.name))
        let app = Application(router: server.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let metrics = try await app.test(.live) { client in String(buffer: try await client.execute(uri: "/metrics", method: .get).body) }
        let answered = replicated.replicaReads.replica
        #expect(metrics.contains("mosaic_store_replica_reads_total{outcome=\"replica\"} \(answered)\n"), "\(metrics.suffix(400))")
        #expect(metrics.contains("mosaic_store_replica_reads_total{outcome=\"fallback\"} 0\n"))
        try await replica.close()
        try await primary.close()
    }
}

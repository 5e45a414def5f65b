import Foundation
import MosaicDiagnostic
import MosaicStore
import MosaicTestSupport
import Testing

/// `mosaic import` (contract `service.md`): one transaction, all of it or nothing.
@Suite struct ImportCommandTests {
    /// A state of generated districts (`scripts/bench/state`): each roster names its own
    /// district, so many share one store; a bad id is refused before anything is written.
    @Test func generatedDistrictsOfAStateShareOneStore() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = "sqlite:" + folder.appendingPathComponent("state.sqlite").path
        for i in 1...2 {
            let roster = folder.appendingPathComponent("d\(i)").path
            let generated = try Run(["generate", "--out", roster, "--students", "600", "--schools", "3", "--seed", "\(i)",
                                     "--district-id", "d00\(i)", "--district-name", "Generated District \(i)"])
            #expect(generated.status == 0, "\(generated.stderr)")
            let imported = try Run(["import", roster, "--db", db, "--term", "2026-spring", "--baseline", "0"])
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let store = try await openStore(db, logger: TestSupport.logger)
        #expect(try await store.districts().map(\.id).sorted() == ["d001", "d002"])
        #expect(try await store.district("d002")?.name == "Generated District 2")
        #expect(try await store.terms(district: "d001").first?.students == 600)
        try await store.close()
        let bad = try Run(["generate", "--out", folder.appendingPathComponent("bad").path, "--students", "600", "--district-id", "d 1"])
        #expect(bad.status != 0 && bad.stderr.contains("--district-id is 1 to 60 letters"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad").path))
    }

    @Test func storesATermWithItsDiagnosticAndRefusesItTwice() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("m.sqlite").path
        let first = try Run(["import", handMadeRoster, "--db", "sqlite:\(db)", "--term", "2026-fall", "--baseline", "20"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("stored term '2026-fall'"))
        let again = try Run(["import", handMadeRoster, "--db", "sqlite:\(db)", "--term", "2026-fall", "--baseline", "20"])
        #expect(again.status == 1)
        #expect(again.stderr == "sqlite:\(db): term '2026-fall' is already stored for district 'D1'; import it under another --term name, or pass --replace\n")
        let replaced = try Run(["import", handMadeRoster, "--db", "sqlite:\(db)", "--term", "2026-fall", "--replace", "--baseline", "20"])
        #expect(replaced.status == 0, "\(replaced.stderr)")

        let store = try await openStore("sqlite:\(db)", logger: TestSupport.logger)
        let stored = try await store.terms(district: "D1")
        #expect(stored.map(\.id) == ["2026-fall"])
        #expect(stored.first?.students == 6 && stored.first?.enrollments == 13)
        // The kept diagnostic is the one `mosaic diagnose` computes with the same options.
        let kept = try #require(try await store.diagnostic(district: "D1", term: "2026-fall"))
        let diagnostic = try Diagnostic(archived: kept.json)
        #expect(diagnostic.students == 6 && diagnostic.baselineDraws == 20)
        #expect(try await store.auditLog(district: "D1", limit: 10).map(\.action) == ["import", "import"])
        try await store.close()
    }

    /// Every command that takes a store shares one `--db` option (an @OptionGroup), checked
    /// before anything runs: a bare path is refused with what to write instead.
    @Test func theStoreOptionIsSharedAndChecked() throws {
        for command in [["import", handMadeRoster, "--term", "t"], ["serve"], ["user", "remove", "--email", "x@y"], ["token", "revoke", "--email", "x@y"],
                        ["boundaries", "load", "city.json", "--district", "D1"]] {
            let r = try Run(command + ["--db", "mosaic.sqlite"])
            #expect(r.status != 0 && r.stderr.hasPrefix("Error: --db mosaic.sqlite is not a store: give sqlite:PATH"), "\(command): \(r.stderr)")
        }
    }

    /// Run from any folder: the guidebook's actions ship with Mosaic (it used to read them
    /// from ../shared relative to the working directory, and failed elsewhere).
    @Test func importWorksFromAnyFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let roster = TestSupport.repositoryRoot.appendingPathComponent(handMadeRoster).path
        let run = try Run(["import", roster, "--db", "sqlite:m.sqlite", "--term", "fall", "--baseline", "0"], directory: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("m.sqlite").path))
    }

    /// The NYC files ship with Mosaic too: the zones instance is written from any folder
    /// (the defaults were paths into ../shared relative to the working directory).
    @Test func nycFilesWorkFromAnyFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Run(["boundaries", "nyc", "--district", "3", "--out", "d3.json"], directory: folder)
        #expect(run.status == 0 && run.stderr.contains("19 zones, 17 schools"), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("d3.json").path))
    }

    @Test func aBrokenRosterStoresNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.copyItem(at: TestSupport.repositoryRoot.appendingPathComponent(handMadeRoster), to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        let enrollments = folder.appendingPathComponent("enrollments.csv")
        let text = try String(contentsOf: enrollments, encoding: .utf8)
        try text.replacingOccurrences(of: "e3,,,ENG-1,S1,s3,", with: "e3,,,ENG-9,S1,s3,").write(to: enrollments, atomically: true, encoding: .utf8)
        let db = folder.appendingPathComponent("m.sqlite").path
        let run = try Run(["import", folder.path, "--db", "sqlite:\(db)", "--term", "fall"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("enrollments.csv:4: classSourcedId 'ENG-9' is not a class"))
        #expect(run.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    /// Killed at any moment (SIGKILL, no chance to clean up), an import leaves the store
    /// with the term whole or not at all, and the terms before it untouched — on
    /// PostgreSQL also when killed while its rows stream in (`COPY … FROM STDIN`).
    @Test(arguments: [Backend.sqlite, .postgres])
    func anImportKilledAtAnyMomentLeavesTheStoreWhole(_ backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let roster = folder.appendingPathComponent("roster").path
        let generated = try Run(["generate", "--out", roster, "--students", "20000", "--schools", "20", "--seed", "5"])
        #expect(generated.status == 0, "\(generated.stderr)")
        try await withStoreURL(backend) { db in
            let base = try Run(["import", roster, "--db", db, "--term", "base", "--district", "district", "--baseline", "0"])
            #expect(base.status == 0, "\(base.stderr)")
            let clock = ContinuousClock()
            let started = clock.now
            let whole = try Run(["import", roster, "--db", db, "--term", "timed", "--baseline", "0"])
            #expect(whole.status == 0, "\(whole.stderr)")
            let duration = (clock.now - started)
            let store0 = try await openStore(db, logger: TestSupport.logger)
            let expected = try await store0.terms(district: "district").first { $0.id == "base" }
            try await store0.close()
            var killedMidway = 0, killedCopying = 0
            // Six kills at fractions of a whole import; on PostgreSQL two more at the moment
            // the server reports a COPY running (the rows half sent).
            let moments: [Double?] = [0.15, 0.3, 0.45, 0.6, 0.75, 0.9] + (backend == .postgres ? [nil, nil] : [])
            for (i, fraction) in moments.enumerated() {
                let process = Process()
                process.executableURL = TestSupport.productsDirectory.appendingPathComponent("mosaic")
                process.arguments = ["import", roster, "--db", db, "--term", "killed-\(i)", "--baseline", "0"]
                process.currentDirectoryURL = TestSupport.repositoryRoot
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                if let fraction {
                    try process.run()
                    try await Task.sleep(for: duration * fraction)
                } else {
                    let watcher = try await PostgresDatabase.open(url: db, logger: TestSupport.logger)
                    try process.run()
                    var copying = false
                    for _ in 0..<4_000 where !copying && process.isRunning {
                        copying = try await !watcher.query(
                            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY %' AND state = 'active'", []).isEmpty
                        if !copying { try await Task.sleep(for: .milliseconds(2)) }
                    }
                    try await watcher.close()
                    if copying { killedCopying += 1 }
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { killedMidway += 1 }
                let store = try await openStore(db, logger: TestSupport.logger)
                let terms = try await store.terms(district: "district")
                #expect(terms.first { $0.id == "base" } == expected)
                if let killed = terms.first(where: { $0.id == "killed-\(i)" }) {
                    // Stored whole: every enrollment and the diagnostic.
                    let r = try await store.roster(district: "district", term: killed.id)
                    #expect(r.enrollmentCount == expected?.enrollments)
                    #expect(try await store.diagnostic(district: "district", term: killed.id) != nil)
                }
                try await store.close()
            }
            #expect(killedMidway >= 3, "the imports finished before they could be killed")
            if backend == .postgres {
                #expect(killedCopying == 2, "the server never showed the import's COPY running")
                // Nothing of the killed imports is left in any term table.
                let sql = try await PostgresDatabase.open(url: db, logger: TestSupport.logger)
                for table in ["students", "enrollments", "sections"] {
                    let terms = try await sql.query("SELECT DISTINCT term_id FROM \(table) ORDER BY term_id", []).compactMap { $0.first?.text }
                    let stored = try await sql.query("SELECT term_id FROM terms ORDER BY term_id", []).compactMap { $0.first?.text }
                    #expect(terms == stored, "\(table)")
                }
                try await sql.close()
            }
        }
    }
}

/// `mosaic user add` and `mosaic token create` (contract `service.md`).
@Suite struct AccountCommandTests {
    @Test func aUserGetsATokenThatTheStoreKnowsOnlyByItsHash() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = "sqlite:" + folder.appendingPathComponent("m.sqlite").path
        #expect(try Run(["import", handMadeRoster, "--db", db, "--term", "fall", "--baseline", "0"]).status == 0)
        let short = try Run(["user", "add", "--db", db, "--email", "lee@hillside.example", "--role", "school", "--school", "S1", "--password-stdin"], input: "short\n")
        #expect(short.status == 1 && short.stderr.contains("shorter than 12 characters"))
        let noSchool = try Run(["user", "add", "--db", db, "--email", "lee@hillside.example", "--role", "school", "--password-stdin"], input: "a long enough password\n")
        #expect(noSchool.status == 1 && noSchool.stderr.contains("--school"))
        let added = try Run(["user", "add", "--db", db, "--email", "Lee@Hillside.example", "--role", "school", "--school", "S1", "--password-stdin"],
                            input: "a long enough password\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "added lee@hillside.example (school) to district D1\n")
        let again = try Run(["user", "add", "--db", db, "--email", "lee@hillside.example", "--role", "district", "--password-stdin"], input: "a long enough password\n")
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let token = try Run(["token", "create", "--db", db, "--email", "lee@hillside.example"])
        #expect(token.status == 0, "\(token.stderr)")
        let t = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(t.hasPrefix("mosaic_") && t.count == 50)
        let store = try await openStore(db, logger: TestSupport.logger)
        let user = try await store.user(tokenHash: sha256(t))
        #expect(user?.email == "lee@hillside.example" && user?.role == .school && user?.schools == ["S1"])
        #expect(try await store.user(tokenHash: t) == nil)
        try await store.close()
        let nobody = try Run(["token", "create", "--db", db, "--email", "nobody@hillside.example"])
        #expect(nobody.status == 1 && nobody.stderr.contains("no user with the email nobody@hillside.example"))
    }

    /// A school that is not the district's is refused; tokens are revoked; an account is
    /// removed with its tokens.
    @Test func schoolsAreCheckedTokensRevokedUsersRemoved() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mosaic-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = "sqlite:" + folder.appendingPathComponent("m.sqlite").path
        #expect(try Run(["import", handMadeRoster, "--db", db, "--term", "fall", "--baseline", "0"]).status == 0)
        let ghost = try Run(["user", "add", "--db", db, "--email", "lee@hillside.example", "--role", "school", "--school", "S9", "--password-stdin"],
                            input: "a long enough password\n")
        #expect(ghost.status == 1 && ghost.stderr.contains("no school 'S9' in the district's latest term (fall)"), "\(ghost.stderr)")
        #expect(try Run(["user", "add", "--db", db, "--email", "lee@hillside.example", "--role", "school", "--school", "S1", "--password-stdin"],
                        input: "a long enough password\n").status == 0)
        let tokens = try (0..<2).map { _ in try Run(["token", "create", "--db", db, "--email", "lee@hillside.example"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        let revoked = try Run(["token", "revoke", "--db", db, "--email", "lee@hillside.example"])
        #expect(revoked.status == 0 && revoked.stdout == "revoked 2 tokens of lee@hillside.example\n", "\(revoked.stderr)")
        var store = try await openStore(db, logger: TestSupport.logger)
        for t in tokens { #expect(try await store.user(tokenHash: sha256(t)) == nil) }
        try await store.close()
        let third = try Run(["token", "create", "--db", db, "--email", "lee@hillside.example"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let removed = try Run(["user", "remove", "--db", db, "--email", "lee@hillside.example"])
        #expect(removed.status == 0, "\(removed.stderr)")
        store = try await openStore(db, logger: TestSupport.logger)
        #expect(try await store.user(email: "lee@hillside.example") == nil)
        #expect(try await store.user(tokenHash: sha256(third)) == nil)
        #expect(try await store.auditLog(district: "D1", limit: 10).map(\.action).prefix(2) == ["user-remove", "token-create"])
        try await store.close()
        let again = try Run(["user", "remove", "--db", db, "--email", "lee@hillside.example"])
        #expect(again.status == 1 && again.stderr.contains("no account 'lee@hillside.example'"))
    }
}

/// SHA-256 in hex, computed here with the system's shasum so that the test does not
/// reuse the product's code for what it checks.
func sha256(_ text: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

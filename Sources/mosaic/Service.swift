import ArgumentParser
import Foundation
import Hummingbird
import MosaicCore
import MosaicImport
import MosaicServer
import MosaicStore

/// `mosaic serve`: contract `service.md`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the dashboard and the JSON API of a store.",
        discussion: "Example: mosaic serve --db sqlite:mosaic.sqlite --port 8080")

    @OptionGroup var store: StoreOptions

    var db: String { store.db }
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "The port to listen on.") var port: Int = 8080
    @Option(name: .customLong("min-n"), help: "Counts below this are suppressed in every public view.") var minN: Int = 10
    @Option(help: "The guidebook's root causes, actions and planning steps, for the action plan (default: the copy shipped with Mosaic).")
    var actions: String?
    @Flag(help: "Mark sign-in cookies Secure (sent over HTTPS only): for a deployment behind TLS.")
    var secureCookies = false
    @Option(help: "A PostgreSQL hot standby of --db (streaming replication): pages for visitors not signed in read it; writes and signed-in reads go to --db.")
    var readReplica: String?
    @Option(help: "This server's name among a deployment's servers, recorded on the jobs it runs (default: host name:port).")
    var serverName: String?
    @Option(help: "Background jobs this server runs at once (default: one fewer than the cores).") var jobWorkers: Int?
    @Option(help: "Seconds without a heartbeat after which a running job is taken to have lost its server and is run again by another.")
    var jobTimeout: Int = 30
    @Option(help: "Districts the home page lists at once; past that they come a page at a time, with a form to find one by name.")
    var homePageSize: Int = 50

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port takes 1 to 65535") }
        guard minN >= 1 else { throw ValidationError("--min-n is at least 1") }
        guard (3...3600).contains(jobTimeout) else { throw ValidationError("--job-timeout takes 3 to 3600 seconds") }
        if let jobWorkers, !(1...64).contains(jobWorkers) { throw ValidationError("--job-workers takes 1 to 64") }
        guard (1...1_000).contains(homePageSize) else { throw ValidationError("--home-page-size takes 1 to 1000") }
    }

    func run() async throws {
        let store = try await Terminal.reportingStoreErrors(db) {
            let store = try await openStore(db, readReplica: readReplica, logger: Terminal.logger)
            try await store.migrate()
            return store
        }
        let guidebook = try Terminal.reportingImportErrors { try Guidebook.load(actions) }
        var options = MosaicServer.Options(host: host, port: port, minimumN: minN, guidebook: guidebook, secureCookies: secureCookies)
        if let serverName { options.serverName = serverName }
        if let jobWorkers { options.jobWorkers = jobWorkers }
        options.jobTimeout = .seconds(jobTimeout)
        options.homeDistrictsPerPage = homePageSize
        let server = MosaicServer(store: store, options: options)
        Terminal.error("serving \(Terminal.redacted(db))\(readReplica.map { ", public reads from \(Terminal.redacted($0))" } ?? "") on http://\(host):\(port)/ (Ctrl-C stops)")
        server.jobs.start()
        try await server.application().runService()
        server.jobs.stop()
        try? await store.close()
    }
}

/// `mosaic user`: accounts.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the accounts that sign in to the dashboard and the API.", subcommands: [Add.self, Remove.self])

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an account, with its API tokens and sign-in sessions (its audit-log entries stay).")

        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The account's email.") var email: String

        func run() async throws {
            let user = email.lowercased()
            let removed = try await storeOptions.withStore { store in
                let district = try await store.user(email: user)?.district
                guard try await store.removeUser(email: user) else { return false }
                try await store.record(AuditEvent(district: district, at: Date(), actor: "cli", action: "user-remove", detail: user))
                return true
            }
            guard removed else {
                Terminal.error("mosaic user remove: no account '\(user)' in the store")
                throw ExitCode.failure
            }
            print("removed \(user): its tokens and sessions no longer work")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from stdin.",
            discussion: "Example: echo \"$PASSWORD\" | mosaic user add --db sqlite:mosaic.sqlite --email lee@district.org --role school --school 02M475 --password-stdin")

        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The account's email, used to sign in.") var email: String
        @Option(help: "district, school, advocate or enrollment.") var role: Role
        @Option(help: "For the school role: a school (sourcedId) the user leads; repeat for more.") var school: [String] = []
        @Option(help: "The district the account belongs to; default: the store's only district.") var district: String?
        @Flag(help: "Read the password from standard input (the first line).") var passwordStdin = false

        func validate() throws {
            guard passwordStdin else { throw ValidationError("pass --password-stdin and the password on standard input") }
        }

        func run() async throws {
            let password = readLine(strippingNewline: true) ?? ""
            let added = try await storeOptions.withStore { store in
                let d = try await Terminal.district(district, in: store, storeOptions.db)
                do {
                    try await Accounts.addUser(email: email, role: role, schools: school, password: password, district: d, to: store)
                } catch let e as AccountError {
                    Terminal.error("mosaic user add: \(e.description)")
                    throw ExitCode.failure
                }
                try await store.record(AuditEvent(district: d, at: Date(), actor: "cli", action: "user-add",
                                                  detail: "\(email.lowercased()) as \(role.rawValue)"))
                return d
            }
            print("added \(email.lowercased()) (\(role.rawValue)) to district \(added)")
        }
    }
}

extension Role: ExpressibleByArgument {}

/// `mosaic token`: API tokens.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API tokens.", subcommands: [Create.self, Revoke.self])

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every API token of a user (they stop working at once).")

        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The user whose tokens go.") var email: String

        func run() async throws {
            let user = email.lowercased()
            let count = try await storeOptions.withStore { store in
                guard let account = try await store.user(email: user) else { return -1 }
                let n = try await store.revokeTokens(email: user)
                try await store.record(AuditEvent(district: account.district, at: Date(), actor: "cli", action: "token-revoke", detail: "\(user): \(n)"))
                return n
            }
            guard count >= 0 else {
                Terminal.error("mosaic token revoke: no account '\(user)' in the store")
                throw ExitCode.failure
            }
            print("revoked \(count) token\(count == 1 ? "" : "s") of \(user)")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API token for a user and print it (it is shown only this once).")

        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "The user the token acts for.") var email: String

        func run() async throws {
            let token = Accounts.newToken()
            try await storeOptions.withStore { store in
                let user = email.lowercased()
                try await store.addToken(hash: Accounts.tokenHash(token), email: user, createdAt: Date())
                let district = try await store.user(email: user)?.district
                try await store.record(AuditEvent(district: district, at: Date(), actor: "cli", action: "token-create", detail: user))
            }
            print(token)
        }
    }
}

extension Terminal {
    /// The district a command acts on: the one named, or the store's only one.
    static func district(_ named: String?, in store: any Store, _ db: String) async throws -> String {
        let all = try await store.districts().map(\.id)
        if let named {
            guard all.contains(named) else { throw StoreError.noSuchDistrict(named) }
            return named
        }
        guard all.count == 1 else {
            error("\(redacted(db)): the store holds \(all.count) districts (\(all.joined(separator: ", "))); name one with --district ID")
            throw ExitCode.failure
        }
        return all[0]
    }
}

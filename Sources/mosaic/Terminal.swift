import ArgumentParser
import Foundation
import Logging
import MosaicImport
import MosaicCore
import MosaicStore

/// Writing to the terminal: results to stdout, problems and progress to stderr.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A result on stdout as bytes, after whatever `print` has buffered: a document of
    /// 100 MB is written as it was built, not copied into a `String` first.
    static func output(_ bytes: [UInt8]) {
        fflush(nil)   // every stream: what print buffered goes first
        try? FileHandle.standardOutput.write(contentsOf: bytes)
    }

    /// A batch command's last step once its output is written: the process ends here,
    /// without freeing what it built. At NYC size `mosaic match` spent 30 ms of its
    /// 0.25 s releasing 80,000 students' arrays one by one on the way out, memory the
    /// system takes back at once (BENCHMARKS.md, issue 25).
    static func finish() -> Never {
        fflush(nil)
        exit(0)
    }

    /// A JSON document on stdout, then a line break (as `print` wrote it).
    static func output(_ json: JSONValue) {
        var bytes = json.serializedBytes()
        bytes.append(0x0A)
        output(bytes)
    }

    /// A progress reporter for long work, drawn on one line of stderr when it is a
    /// terminal (`baseline 412/1000`, or `reading enrollments.csv: 2,500,000 rows` when
    /// the total is unknown, `of` = 0), silent in pipes and logs.
    static func progress() -> (@Sendable (String, Int, Int) -> Void)? {
        guard stderrIsTerminal else { return nil }
        return { step, done, of in
            let text: String
            if of == 0 {
                text = "\r\u{1B}[K\(step): \(Format.count(done)) rows"
            } else if done == of || done % max(1, of / 100) == 0 {
                text = "\r\u{1B}[K\(step) \(done)/\(of)" + (done == of ? "\n" : "")
            } else {
                return
            }
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Ends a line of unknown-total progress, if one was drawn.
    static func endProgress() {
        if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Runs `body`, turning an `ImportError` into its `file:line` lines on stderr and exit code 1.
    static func reportingImportErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ImportError {
            error(e.description)
            throw ExitCodeError.failure
        }
    }
}

enum ExitCodeError: Error { case failure }

extension Duration {
    /// The duration in seconds, for timings.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension Terminal {
    /// Runs `body`, turning a store error into one line on stderr (`mosaic: URL: why`)
    /// and exit code 1.
    static func reportingStoreErrors<T>(_ url: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let e as StoreError {
            error("\(redacted(url)): \(e.description)")
            throw ExitCode.failure
        }
    }

    /// A store URL without its password, for messages.
    static func redacted(_ url: String) -> String { PostgresDatabase.redacted(url) }
}

extension Terminal {
    /// The command line's logger: errors of the libraries' background work (a lost
    /// database connection) go to stderr; libraries take it, they make none.
    static let logger: Logger = {
        var log = Logger(label: "mosaic")
        log.logLevel = .error
        return log
    }()
}

/// The store every command that reads or writes one names: `--db sqlite:PATH` (the
/// embedded default) or `--db postgres://user:password@host:port/database` (shared).
struct StoreOptions: ParsableArguments {
    @Option(help: "The store: sqlite:PATH or postgres://user:password@host:port/database.") var db: String

    /// Opens the store, brings its schema up to date, runs `body` on it and closes it
    /// (after a failure too); a store error is printed with the store's URL (no password)
    /// and exits 1.
    func withStore<T>(_ body: (any Store) async throws -> T) async throws -> T {
        try await Terminal.reportingStoreErrors(db) {
            let store = try await openStore(db, logger: Terminal.logger)
            do {
                try await store.migrate()
                let result = try await body(store)
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }
    }

    func validate() throws {
        guard db.hasPrefix("sqlite:") || db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") else {
            throw ValidationError("--db \(db) is not a store: give sqlite:PATH (a file, made if missing) or postgres://user:password@host:port/database")
        }
    }
}

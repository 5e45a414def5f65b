import ArgumentParser

struct Mosaic: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Measure and reduce segregation across schools, within schools and inside classrooms.",
        discussion: """
            Is each student enrolled in a school and attending classes that are racially, \
            ethnically and socioeconomically diverse? Mosaic computes the indices that answer it.
            """,
        subcommands: [Diagnose.self, Import.self, Match.self, Schedule.self, Boundaries.self, PolicyCommand.self, Serve.self, Demo.self, User.self, Token.self, Segregation.self, CRDC.self, ImportCRDC.self, Generate.self, NYCCounts.self, Bench.self]
    )

    /// What `AsyncParsableCommand.main()` does, called from `main.swift` (whose top-level
    /// code resolves a bare `Mosaic.main()` to the synchronous entry, which refuses an
    /// asynchronous root).
    static func start() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

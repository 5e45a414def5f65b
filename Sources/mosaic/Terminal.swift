import Foundation
import MosaicImport

/// Writing to the terminal: results to stdout, problems and progress to stderr.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress reporter for long work, drawn on stderr when it is a terminal
    /// (`baseline 412/1000`), silent in pipes and logs.
    static func progress() -> (@Sendable (String, Int, Int) -> Void)? {
        guard stderrIsTerminal else { return nil }
        return { step, done, of in
            if done == of || done % max(1, of / 100) == 0 {
                let line = "\r\(step) \(done)/\(of)" + (done == of ? "\n" : "")
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
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

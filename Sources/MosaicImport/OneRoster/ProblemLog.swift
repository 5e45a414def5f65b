/// The problems found while reading a roster, kept per file up to a limit so that a
/// broken file does not bury the others, and counted beyond it.
final class ProblemLog: @unchecked Sendable {
    static let perFile = 25
    private(set) var problems: [ImportProblem] = []
    private(set) var counts: [String: Int] = [:]
    private(set) var order: [String] = []

    func add(_ file: String, _ line: Int, _ message: String) {
        if counts[file] == nil { order.append(file) }
        counts[file, default: 0] += 1
        if counts[file]! <= Self.perFile { problems.append(.init(file: file, line: line, message: message)) }
    }

    var isEmpty: Bool { problems.isEmpty }

    /// Adds another log's problems after this one's (another thread's files).
    func append(_ other: ProblemLog) {
        for f in other.order {
            if counts[f] == nil { order.append(f) }
            counts[f, default: 0] += other.counts[f]!
        }
        problems.append(contentsOf: other.problems)
    }

    /// Every kept problem, then one line per file whose problems were cut.
    func error() -> ImportError {
        var all = problems
        for f in order where counts[f]! > Self.perFile {
            all.append(.init(file: f, line: 0, message: "\(counts[f]! - Self.perFile) more problems in this file"))
        }
        return ImportError(problems: all, listAll: true)
    }
}

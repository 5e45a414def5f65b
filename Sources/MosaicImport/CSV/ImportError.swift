/// One thing wrong with an input file, where an analyst can find it.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, or `file: message` for the whole file.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Why an input was refused: every problem found, each as `file:line: message`.
/// Nothing is computed or written from a file that has any.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [ImportProblem]

    /// Lists at most `listed` problems unless `listAll` (the roster reader caps per file itself).
    public let listAll: Bool

    public init(problems: [ImportProblem], listAll: Bool = false) {
        precondition(!problems.isEmpty)
        self.problems = problems
        self.listAll = listAll
    }

    public init(_ file: String, _ line: Int, _ message: String) {
        self.problems = [ImportProblem(file: file, line: line, message: message)]
        self.listAll = false
    }

    /// The problem a CSV reader stopped on.
    public init(problem: CSVStream.Problem, file: String) {
        switch problem {
        case .unclosedQuote(let line):
            self.init(file, line, "a quoted field is not closed before the end of the file")
        case .strayQuote(let line):
            self.init(file, line, "a quote (\") inside an unquoted field or after a closing quote; quote the whole field and double the inner quotes")
        case .nulByte(let line):
            self.init(file, line, "a NUL byte: this is not a text file (saved as UTF-16, or binary?); save it as UTF-8 CSV")
        case .recordTooLong(let line, let limit):
            self.init(file, line, "a row longer than \(limit / 1_048_576) MB without its end (an unclosed quote, or a file without line breaks?); no roster row is that long")
        }
    }

    /// How many problems are listed before the rest are counted.
    public static let listed = 20

    public var description: String {
        if listAll { return problems.map(\.description).joined(separator: "\n") }
        var lines = problems.prefix(Self.listed).map(\.description)
        if problems.count > Self.listed { lines.append("… and \(problems.count - Self.listed) more problems") }
        return lines.joined(separator: "\n")
    }
}

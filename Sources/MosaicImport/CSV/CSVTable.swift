import MosaicCore

/// A comma-separated file read per RFC 4180: a header row and data rows, each kept
/// with the line it starts on so every problem can be reported as `file:line`.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields with embedded
/// commas, quotes (`""`) and line breaks, and skips blank lines. Header names are
/// trimmed of surrounding spaces.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        /// The 1-based line the record starts on.
        public let line: Int
        public let fields: [String]
    }

    /// The file's name as it appears in messages.
    public let name: String
    public let header: [String]
    public let rows: [Row]

    /// The position of a header column, or `nil`.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// Parses CSV text.
    /// - Throws: `ImportError` for an unclosed quote, a row with more or fewer fields
    ///   than the header, an empty file or a duplicate header name.
    public init(name: String, text: String) throws(ImportError) {
        self.name = name
        var records = try Self.records(of: text, name: name)
        guard !records.isEmpty else { throw ImportError(name, 1, "the file is empty; expected a header row") }
        let head = records.removeFirst()
        header = head.fields.map { $0.trimmingWhitespace() }
        var seen: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            if let first = seen[h] {
                throw ImportError(name, head.line, "column \"\(h)\" appears twice (columns \(first + 1) and \(i + 1))")
            }
            seen[h] = i
        }
        var problems: [ImportProblem] = []
        for r in records where r.fields.count != header.count {
            problems.append(.init(file: name, line: r.line,
                                  message: "\(r.fields.count) fields, but the header has \(header.count)"))
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        rows = records
    }

    /// Reads and parses a file.
    public init(contentsOf path: String) throws(ImportError) {
        let text: String
        do {
            text = try readTextFile(path)
        } catch {
            throw ImportError(path, 0, "cannot be read: \(error)")
        }
        try self.init(name: path, text: text)
    }

    static func records(of text: String, name: String) throws(ImportError) -> [Row] {
        var rows: [Row] = []
        var stream = CSVStream()
        var badText: Int?
        let collect: (CSVStream.Record) -> Void = { record in
            var fields: [String] = []
            fields.reserveCapacity(record.count)
            for i in 0..<record.count {
                guard let f = record.string(i) else { badText = badText ?? record.line; fields.append(""); continue }
                fields.append(f)
            }
            rows.append(Row(line: record.line, fields: fields))
        }
        do {
            try Array(text.utf8).withUnsafeBytes { try stream.feed($0, collect) }
            try stream.finish(collect)
        } catch let problem as CSVStream.Problem {
            throw ImportError(problem: problem, file: name)
        } catch {
            throw ImportError(name, 0, "\(error)")
        }
        if let line = badText { throw ImportError(name, line, "the text is not valid UTF-8; save the file as UTF-8") }
        return rows
    }
}

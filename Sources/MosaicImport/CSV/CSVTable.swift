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
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, quotedField = false, afterQuote = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
            afterQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                rows.append(Row(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
            } else {
                switch b {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\r"):
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") { break }
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\""):
                    if field.allSatisfy({ $0 == UInt8(ascii: " ") }) && !quotedField {
                        field.removeAll()
                        inQuotes = true
                        quotedField = true
                    } else {
                        throw ImportError(name, line, "a quote (\") inside an unquoted field; quote the whole field and double the inner quote")
                    }
                default:
                    if afterQuote && b != UInt8(ascii: " ") {
                        throw ImportError(name, line, "text after the closing quote of a field")
                    }
                    if !afterQuote { field.append(b) }
                }
            }
            i += 1
        }
        if inQuotes { throw ImportError(name, recordLine, "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return rows
    }
}

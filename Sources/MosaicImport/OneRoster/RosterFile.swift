#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one roster CSV file: checks its header for the required columns, then hands
/// each data row to `body` with its fields looked up by column name. Problems go to the
/// log as `file:line: message`.
struct RosterFile {
    let name: String
    let columns: [String: Int]
    let width: Int

    /// Streams `name` from `source`. Returns false (with a problem logged) when a
    /// required column is missing; a missing file is the caller's to report.
    @discardableResult
    static func read(
        _ name: String, from source: RosterSource, required: [String], log: ProblemLog,
        progress: (@Sendable (String, Int) -> Void)? = nil, body: (RosterFile, CSVStream.Record) -> Void
    ) -> Bool {
        withoutActuallyEscaping(body) { body in
            readEscaping(name, from: source, required: required, log: log, progress: progress, body: body)
        }
    }

    private static func readEscaping(
        _ name: String, from source: RosterSource, required: [String], log: ProblemLog,
        progress: (@Sendable (String, Int) -> Void)?, body: @escaping (RosterFile, CSVStream.Record) -> Void
    ) -> Bool {
        var file: RosterFile?
        var ok = true
        var rows = 0
        let handle: (CSVStream.Record) -> Void = { record in
            guard let f = file else {
                var columns: [String: Int] = [:]
                for i in 0..<record.count {
                    let h = (record.string(i) ?? "").trimmingWhitespace()
                    if columns[h] == nil { columns[h] = i }
                }
                let missing = required.filter { columns[$0] == nil }
                if !missing.isEmpty {
                    log.add(name, record.line, "missing column\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", "))")
                    ok = false
                }
                file = RosterFile(name: name, columns: columns, width: record.count)
                return
            }
            guard ok else { return }
            guard record.count == f.width else {
                log.add(name, record.line, "\(record.count) fields, but the header has \(f.width)")
                return
            }
            body(f, record)
            rows += 1
            if let progress, rows % 250_000 == 0 { progress(name, rows) }
        }
        do {
            var stream = CSVStream()
            try source.stream(name) { chunk in try stream.feed(chunk, handle) }
            try stream.finish(handle)
        } catch let problem as CSVStream.Problem {
            for p in ImportError(problem: problem, file: name).problems { log.add(p.file, p.line, p.message) }
            return false
        } catch {
            log.add(name, 0, "cannot be read: \(error)")
            return false
        }
        if file == nil {
            log.add(name, 1, "the file is empty; expected a header row")
            return false
        }
        if let progress, rows >= 250_000 { progress(name, rows) }
        return ok
    }

    /// The positions of `names` in this file's header (-1 where absent), to look up once
    /// per file rather than once per row.
    func positions(_ names: [String]) -> [Int] { names.map { columns[$0] ?? -1 } }

    /// A field by position from ``positions(_:)``: `""` when absent; `nil` (with a problem
    /// logged) when not valid UTF-8.
    @inline(__always)
    func field(at i: Int, _ column: String, _ record: CSVStream.Record, _ log: ProblemLog) -> String? {
        guard i >= 0 else { return "" }
        guard let s = record.string(i) else {
            log.add(name, record.line, "column '\(column)' is not valid UTF-8 text; save the file as UTF-8")
            return nil
        }
        return s
    }

    /// A field by column name: `""` when the column is absent; `nil` (with a problem
    /// logged) when the text is not valid UTF-8.
    func field(_ column: String, _ record: CSVStream.Record, _ log: ProblemLog) -> String? {
        field(at: columns[column] ?? -1, column, record, log)
    }
}

/// Value parsers shared by the roster files; each returns nil for a malformed value.
enum RosterValue {
    /// `true` / `false` in any case; empty is unknown.
    static func bool(_ s: String) -> Bool?? {
        // The exact spellings, the common case, skip lower-casing.
        switch s == "" || s == "true" || s == "false" ? s : s.lowercased() {
        case "": return .some(nil)
        case "true": return .some(true)
        case "false": return .some(false)
        default: return nil
        }
    }

    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// A field's bytes equal `literal` (a byte comparison, no generic sequence walk).
    @inline(__always)
    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ literal: [UInt8]) -> Bool {
        guard b.count == literal.count else { return false }
        return literal.withUnsafeBufferPointer { l in
            guard let x = b.baseAddress, let y = l.baseAddress else { return true }
            return memcmp(x, y, b.count) == 0
        }
    }

    /// `true` / `false` from a field's bytes: the exact spellings without making a
    /// `String`; anything else goes through ``bool(_:)`` (any case, or malformed).
    @inline(__always)
    static func bool(bytes b: UnsafeBufferPointer<UInt8>?, _ record: CSVStream.Record, _ i: Int) -> Bool?? {
        if let b {
            if b.isEmpty { return .some(nil) }
            if equals(b, trueBytes) { return .some(true) }
            if equals(b, falseBytes) { return .some(false) }
        }
        return bool(record.string(i) ?? "\u{FFFD}")
    }

    /// An ISO date `YYYY-MM-DD` that exists on the calendar.
    static func isDate(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isDate(bytes: $0) }
    }

    /// ``isDate(_:)`` on a field's bytes, without making a `String`.
    static func isDate(bytes b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let d = Int(b[i]) - 48
                guard (0...9).contains(d) else { return nil }
                n = n * 10 + d
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), (1...12).contains(m) else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// Each value of a comma-separated list held as bytes, trimmed of spaces and tabs;
    /// empty values are skipped, as ``list(_:)`` does.
    static func forEach(in list: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var start = 0
        while start <= list.count {
            var end = start
            while end < list.count && list[end] != UInt8(ascii: ",") { end += 1 }
            var s = start, e = end
            while s < e && isSpace(list[s]) { s += 1 }
            while e > s && isSpace(list[e - 1]) { e -= 1 }
            if e > s { body(UnsafeBufferPointer(rebasing: list[s..<e])) }
            start = end + 1
        }
    }

    /// A comma-separated list (OneRoster writes lists inside one quoted field).
    static func list(_ s: String) -> [String] {
        if s.isEmpty { return [] }
        // Most lists hold one plain value ("09", "S1"): no split, no trimming.
        let hasSpace = s.utf8.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if !hasSpace && !s.utf8.contains(UInt8(ascii: ",")) { return [s] }
        // Without spaces there is nothing to trim: split only.
        if !hasSpace { return s.split(separator: ",").map(String.init) }
        return s.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

import MosaicCore

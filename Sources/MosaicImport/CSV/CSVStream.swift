/// A streaming RFC 4180 reader: bytes go in chunk by chunk (from a file or a `.zip`
/// entry as it inflates) and each complete record comes out to a callback with the
/// line it starts on, so a file never has to be in memory whole.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF, quoted fields with commas, doubled
/// quotes and line breaks; skips blank lines. A field becomes a `String` only when the
/// callback asks for it, and is then checked to be valid UTF-8.
public struct CSVStream {
    /// One record. It points into the reader's buffer: use it inside the callback only.
    public struct Record {
        let bytes: UnsafeBufferPointer<UInt8>
        let starts: UnsafeBufferPointer<Int>
        let ends: UnsafeBufferPointer<Int>
        let quoted: UnsafeBufferPointer<Bool>
        /// The 1-based line the record starts on.
        public let line: Int

        init(bytes: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int>, ends: UnsafeBufferPointer<Int>,
             quoted: UnsafeBufferPointer<Bool>, line: Int) {
            self.bytes = bytes
            self.starts = starts
            self.ends = ends
            self.quoted = quoted
            self.line = line
        }

        public var count: Int { starts.count }

        /// Field `i` as text; `nil` when it is not valid UTF-8. Doubled quotes inside a
        /// quoted field become one.
        public func string(_ i: Int) -> String? {
            let field = UnsafeBufferPointer(rebasing: bytes[starts[i]..<ends[i]])
            if quoted[i] && field.contains(UInt8(ascii: "\"")) {
                var out: [UInt8] = []
                out.reserveCapacity(field.count)
                var j = 0
                while j < field.count {
                    out.append(field[j])
                    j += field[j] == UInt8(ascii: "\"") ? 2 : 1
                }
                return String(validating: out, as: UTF8.self)
            }
            // Most fields are ASCII: no validation needed beyond that check.
            var ascii = true
            for b in field where b >= 0x80 { ascii = false; break }
            return ascii ? String(decoding: field, as: UTF8.self) : String(validating: field, as: UTF8.self)
        }

        /// Field `i`'s bytes where they lie, or `nil` for a quoted field with doubled
        /// quotes (use ``string(_:)`` then). Not checked to be UTF-8.
        @inline(__always)
        public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
            let field = UnsafeBufferPointer(rebasing: bytes[starts[i]..<ends[i]])
            if quoted[i] && field.contains(UInt8(ascii: "\"")) { return nil }
            return field
        }

        /// True when field `i` is empty.
        public func isEmpty(_ i: Int) -> Bool { starts[i] == ends[i] }
    }

    public enum Problem: Error, Equatable {
        case unclosedQuote(line: Int)
        case strayQuote(line: Int)
        /// A NUL byte: not text (a binary file, or UTF-16 saved as CSV).
        case nulByte(line: Int)
        /// One record longer than ``maxRecordBytes``: not a roster's row (an unclosed
        /// quote, a file with no line breaks, a field of megabytes).
        case recordTooLong(line: Int, limit: Int)
    }

    /// The longest record read, in bytes (1 MiB): beyond it the reader stops rather than
    /// hold an endless record in memory.
    public var maxRecordBytes = 1 << 20

    var pending: [UInt8] = []
    var offset = 0
    var line = 1
    var atStart = true
    let fields = Fields()

    /// The current record's field bounds, reused record after record (no array
    /// bookkeeping per field: this loop runs for every field of millions of rows).
    final class Fields {
        private(set) var starts: UnsafeMutablePointer<Int>
        private(set) var ends: UnsafeMutablePointer<Int>
        private(set) var quoted: UnsafeMutablePointer<Bool>
        private var capacity = 64
        var count = 0

        init() {
            starts = .allocate(capacity: capacity)
            ends = .allocate(capacity: capacity)
            quoted = .allocate(capacity: capacity)
        }

        deinit {
            starts.deallocate()
            ends.deallocate()
            quoted.deallocate()
        }

        @inline(__always)
        func append(_ start: Int, _ end: Int, _ isQuoted: Bool) {
            if count == capacity { grow() }
            starts[count] = start
            ends[count] = end
            quoted[count] = isQuoted
            count += 1
        }

        private func grow() {
            let c = capacity * 2
            let s = UnsafeMutablePointer<Int>.allocate(capacity: c), e = UnsafeMutablePointer<Int>.allocate(capacity: c)
            let q = UnsafeMutablePointer<Bool>.allocate(capacity: c)
            s.update(from: starts, count: count)
            e.update(from: ends, count: count)
            q.update(from: quoted, count: count)
            starts.deallocate(); ends.deallocate(); quoted.deallocate()
            starts = s; ends = e; quoted = q
            capacity = c
        }

        func record(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) -> Record {
            Record(bytes: bytes, starts: UnsafeBufferPointer(start: starts, count: count),
                   ends: UnsafeBufferPointer(start: ends, count: count),
                   quoted: UnsafeBufferPointer(start: quoted, count: count), line: line)
        }
    }

    /// Bytes that end an unquoted field or need a look: comma, CR, LF, quote, NUL.
    static let special: [Bool] = (0..<256).map { [0x2C, 0x0D, 0x0A, 0x22, 0x00].contains($0) }

    public init() {}

    /// Adds bytes and hands every record they complete to `body`.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, _ body: (Record) throws -> Void
    ) throws {
        pending.append(contentsOf: chunk)
        if atStart && pending.count >= 3 {
            if pending.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
            atStart = false
        }
        try drain(final: false, body)
        if pending.count - offset > maxRecordBytes { throw Problem.recordTooLong(line: line, limit: maxRecordBytes) }
        // Keep the unfinished record; drop what is done once it outweighs it.
        if offset > 0 && offset >= pending.count / 2 {
            pending.removeFirst(offset)
            offset = 0
        }
    }

    /// Hands over the last record (one without a final line break).
    public mutating func finish(_ body: (Record) throws -> Void) throws {
        if atStart && pending.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        atStart = false
        try drain(final: true, body)
    }

    /// Parses complete records from `pending[offset...]`.
    mutating func drain(final: Bool, _ body: (Record) throws -> Void) throws {
        let n = pending.count
        let fields = fields
        try Self.special.withUnsafeBufferPointer { special in
        try pending.withUnsafeBufferPointer { buf in
            var p = offset
            while p < n {
                // One record from p; if it does not complete and more input may come, stop.
                fields.count = 0
                let recordLine = line
                var lines = 0
                var q = p
                var complete = false
                fieldLoop: while true {
                    if q < n && buf[q] == UInt8(ascii: "\"") {
                        // Quoted field: to the closing quote.
                        let s = q + 1
                        var r = s
                        var closed = false
                        while r < n {
                            let b = buf[r]
                            if b == UInt8(ascii: "\"") {
                                if r + 1 < n && buf[r + 1] == UInt8(ascii: "\"") { r += 2; continue }
                                if r + 1 >= n && !final { break }
                                closed = true
                                break
                            }
                            if b == UInt8(ascii: "\n") { lines += 1 } else if b == 0 { throw Problem.nulByte(line: recordLine + lines) }
                            r += 1
                        }
                        guard closed else {
                            if final { throw Problem.unclosedQuote(line: recordLine) }
                            break fieldLoop
                        }
                        fields.append(s, r, true)
                        q = r + 1
                        if q >= n { if final { complete = true }; break fieldLoop }
                        let b = buf[q]
                        if b == UInt8(ascii: ",") { q += 1; continue fieldLoop }
                        if b == UInt8(ascii: "\n") { q += 1; lines += 1; complete = true; break fieldLoop }
                        if b == UInt8(ascii: "\r") {
                            if q + 1 < n { q += buf[q + 1] == UInt8(ascii: "\n") ? 2 : 1; lines += 1; complete = true }
                            else if final { q += 1; complete = true }
                            break fieldLoop
                        }
                        throw Problem.strayQuote(line: recordLine + lines)
                    }
                    // Unquoted field: to the next comma or line end.
                    let s = q
                    while q < n && !special[Int(buf[q])] { q += 1 }
                    if q < n && buf[q] == UInt8(ascii: "\"") { throw Problem.strayQuote(line: recordLine + lines) }
                    if q < n && buf[q] == 0 { throw Problem.nulByte(line: recordLine + lines) }
                    fields.append(s, q, false)
                    if q >= n { if final { complete = true }; break fieldLoop }
                    let b = buf[q]
                    if b == UInt8(ascii: ",") { q += 1; if q >= n && final { fields.append(q, q, false); complete = true; break fieldLoop }; continue fieldLoop }
                    if b == UInt8(ascii: "\n") { q += 1; lines += 1; complete = true; break fieldLoop }
                    // \r
                    if q + 1 < n { q += buf[q + 1] == UInt8(ascii: "\n") ? 2 : 1; lines += 1; complete = true }
                    else if final { q += 1; complete = true }
                    break fieldLoop
                }
                guard complete else { break }
                p = q
                line += lines
                if fields.count == 1 && fields.starts[0] == fields.ends[0] && !fields.quoted[0] { continue }  // blank line
                try body(fields.record(buf, line: recordLine))
            }
            offset = p
        }
        }
    }
}

import MosaicCore

extension Instance {
    /// Reads an instance (contract `match.md`) straight from its JSON bytes, for the
    /// whole-command speed of `mosaic match` (issue 25): Foundation's `JSONDecoder` took
    /// about 1.1 s of the 1.6 s the command took on an NYC-size file (19 MB; `perf`).
    ///
    /// It reads exactly what `JSONDecoder` reads for ``Instance`` — unknown keys skipped,
    /// `null` for an absent optional — and gives up (nil) at anything else: a malformed
    /// document, a number where a string belongs, a fraction where a count belongs, a
    /// missing required key. The caller then decodes with `JSONDecoder`, whose error
    /// names the place (`students[3].prefs: …`), so every message stays as it was.
    /// - Complexity: O(bytes).
    public init?(fastJSON bytes: UnsafeRawBufferPointer) {
        var r = FastJSON(bytes.bindMemory(to: UInt8.self))
        guard let instance = r.instance(), r.atEnd() else { return nil }
        self = instance
    }
}

/// A cursor over JSON bytes that reads the shapes of ``Instance`` and nothing more.
struct FastJSON {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0

    init(_ b: UnsafeBufferPointer<UInt8>) {
        self.b = b
        // A UTF-8 byte-order mark, as JSONDecoder accepts one.
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
    }

    mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    mutating func atEnd() -> Bool { space(); return i == b.count }

    mutating func take(_ c: UInt8) -> Bool {
        space()
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    mutating func null() -> Bool {
        space()
        guard i + 4 <= b.count, b[i] == 0x6E, b[i + 1] == 0x75, b[i + 2] == 0x6C, b[i + 3] == 0x6C else { return false }
        i += 4
        return true
    }

    /// A string; escapes decoded (a lone surrogate gives up, as JSONDecoder refuses it).
    mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = i
        var high: UInt8 = 0
        while i < b.count, b[i] != 0x22, b[i] != 0x5C, b[i] >= 0x20 { high |= b[i]; i += 1 }
        guard i < b.count else { return nil }
        if b[i] == 0x22 {
            let bytes = UnsafeBufferPointer(rebasing: b[start..<i])
            // ASCII needs no validation (nearly every id is).
            let s = high < 0x80 ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            i += 1
            return s
        }
        guard b[i] == 0x5C else { return nil }   // a control character
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == 0x22 { i += 1; return String(validating: out, as: UTF8.self) }
            if c < 0x20 { return nil }
            guard c == 0x5C else { out.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var u = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(u) {
                    guard i + 1 < b.count, b[i] == 0x5C, b[i + 1] == 0x75 else { return nil }
                    i += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(u) {
                    return nil
                }
                guard let scalar = Unicode.Scalar(u) else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    /// A whole number written as digits (an optional minus); anything else gives up.
    mutating func int() -> Int? {
        space()
        var negative = false
        if i < b.count, b[i] == 0x2D { negative = true; i += 1 }
        let start = i
        var v = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(b[i] - 0x30))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        guard i > start, i - start == 1 || b[start] != 0x30 else { return nil }
        // A fraction or an exponent: leave it to JSONDecoder.
        if i < b.count, b[i] == 0x2E || b[i] == 0x65 || b[i] == 0x45 { return nil }
        return negative ? -v : v
    }

    /// Powers of ten a Double holds exactly.
    static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { p, _ in p * 10 } }

    /// A number as JSON writes it (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`;
    /// anything else gives up). A decimal of at most 15 significant digits and no exponent
    /// is m / 10^k with both exact, so one division rounds it correctly (Clinger 1990, "How
    /// to read floating point numbers accurately"); others go through the C library.
    mutating func double() -> Double? {
        space()
        let start = i
        var negative = false
        if i < b.count, b[i] == 0x2D { negative = true; i += 1 }
        func digit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        guard digit(i) else { return nil }
        var mantissa: UInt64 = 0, digits = 0, fraction = 0
        if b[i] == 0x30 {
            i += 1
        } else {
            while digit(i) { mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30); digits += 1; i += 1 }
        }
        if i < b.count, b[i] == 0x2E {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) {
                mantissa = mantissa &* 10 &+ UInt64(b[i] - 0x30)
                if mantissa != 0 { digits += 1 }
                fraction += 1
                i += 1
            }
        }
        var exponent = false
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            exponent = true
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        if !exponent && digits <= 15 && fraction <= 22 {
            let v = Double(mantissa) / Self.exactPowersOfTen[fraction]
            return negative ? -v : v
        }
        // JSONDecoder refuses a number too large for a Double (the C library gives infinity).
        return Double(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
    }

    /// An object's key, or a string looked up by its bytes: its bytes where it is ASCII
    /// without an escape (compared without making a String: `case "prefs":` matches
    /// through `~=`), else the decoded text.
    struct Key {
        let bytes: UnsafeBufferPointer<UInt8>?
        let text: String?
        var string: String { text ?? String(decoding: bytes!, as: UTF8.self) }

        static func ~= (pattern: StaticString, key: Key) -> Bool {
            guard let bytes = key.bytes else { return key.text == pattern.description }
            guard bytes.count == pattern.utf8CodeUnitCount else { return false }
            for k in 0..<bytes.count where bytes[k] != pattern.utf8Start[k] { return false }
            return true
        }
    }

    mutating func key() -> Key? {
        space()
        guard i < b.count, b[i] == 0x22 else { return nil }
        var j = i + 1
        var high: UInt8 = 0
        while j < b.count, b[j] != 0x22, b[j] != 0x5C, b[j] >= 0x20 { high |= b[j]; j += 1 }
        if j < b.count, b[j] == 0x22, high < 0x80 {
            let k = Key(bytes: UnsafeBufferPointer(rebasing: b[(i + 1)..<j]), text: nil)
            i = j + 1
            return k
        }
        return string().map { Key(bytes: nil, text: $0) }
    }

    /// Calls `member` with each key, the cursor at its value; `member` returns false to give up.
    mutating func object(_ member: (inout FastJSON, Key) -> Bool) -> Bool {
        guard take(0x7B) else { return false }
        if take(0x7D) { return true }
        repeat {
            guard let key = key(), take(0x3A), member(&self, key) else { return false }
        } while take(0x2C)
        return take(0x7D)
    }

    mutating func array(_ element: (inout FastJSON) -> Bool) -> Bool {
        guard take(0x5B) else { return false }
        if take(0x5D) { return true }
        repeat { guard element(&self) else { return false } } while take(0x2C)
        return take(0x5D)
    }

    /// Skips any value (an unknown key's).
    mutating func skip() -> Bool {
        space()
        guard i < b.count else { return false }
        switch b[i] {
        case 0x22: return string() != nil
        case 0x7B: return object { r, _ in r.skip() }
        case 0x5B: return array { $0.skip() }
        case 0x74: return literal("true")
        case 0x66: return literal("false")
        case 0x6E: return null()
        default: return double() != nil
        }
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// The strings of the array being read, reused from one array to the next: appending
    /// to a fresh array grew each student's preferences five times over.
    var scratch: [String] = []

    mutating func strings() -> [String]? {
        var out = scratch
        scratch = []
        out.removeAll(keepingCapacity: true)
        defer { scratch = out }
        guard array({ r in
            guard let s = r.string() else { return false }
            out.append(s)
            return true
        }) else { return nil }
        // A copy of exactly its size. (`Array(out[...])` handed back the scratch's own
        // buffer, so every list — two zones as well as twelve choices — kept the largest
        // capacity seen and the next list allocated a new scratch: 46 MB of the 84 MB heap
        // of `mosaic match` at NYC size.)
        return [String](unsafeUninitializedCapacity: out.count) { buffer, count in
            _ = buffer.initialize(fromContentsOf: out)
            count = out.count
        }
    }

    mutating func stringMap() -> [String: String]? {
        var out: [String: String] = [:]
        guard object({ r, k in
            guard let v = r.string() else { return false }
            out[k.string] = v
            return true
        }) else { return nil }
        return out
    }

    /// Students' groups written alike, read once: most students share one of a few dozen
    /// `groups` objects, and a dictionary per student cost a twelfth of `mosaic match`. A
    /// flat object's bytes, `{` to `}`, find the dictionary read the first time; at most
    /// `groupsCacheLimit` distinct objects are kept, past that each is read.
    var groupsSeen = IDTable(capacity: 64)
    var groupsRead: [[String: String]] = []
    static let groupsCacheLimit = 4_096

    mutating func groups() -> [String: String]? {
        space()
        guard i < b.count, b[i] == 0x7B else { return nil }
        // The object's end, when it holds strings only (else it is read as it is).
        var j = i + 1, inString = false
        while j < b.count {
            let c = b[j]
            if inString {
                if c == 0x5C { j += 2; continue }
                if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x7D {
                break
            } else if c == 0x7B || c == 0x5B {
                return stringMap()
            }
            j += 1
        }
        guard j < b.count else { return nil }
        let span = UnsafeBufferPointer(rebasing: b[i...j])
        if let known = groupsSeen.position(ofBytes: span) {
            i = j + 1
            return groupsRead[known]
        }
        guard let map = stringMap() else { return nil }
        if i == j + 1 && groupsRead.count < Self.groupsCacheLimit {
            groupsSeen.insert(bytes: span, at: groupsRead.count)
            groupsRead.append(map)
        }
        return map
    }

    mutating func point() -> Location? {
        var x: Double?, y: Double?
        guard object({ r, k in
            switch k {
            case "x": x = r.double(); return x != nil
            case "y": y = r.double(); return y != nil
            default: return r.skip()
            }
        }), let x, let y else { return nil }
        return Location(x: x, y: y)
    }

    /// An optional value: nil for `null`, `.some(nil)` when unreadable.
    mutating func optional<T>(_ read: (inout FastJSON) -> T?) -> T?? {
        if null() { return .some(nil) }
        guard let v = read(&self) else { return nil }
        return .some(v)
    }

    /// Reads an optional value into `target` (nil for `null`); false when unreadable.
    mutating func optional<T>(into target: inout T?, _ read: (inout FastJSON) -> T?) -> Bool {
        guard let v = optional(read) else { return false }
        target = v
        return true
    }

    mutating func reserve() -> Instance.Reserve? {
        var name: String?, group: [String: String]?, seats: Int?, kind: String?
        guard object({ r, k in
            switch k {
            case "name": name = r.string(); return name != nil
            case "group": group = r.stringMap(); return group != nil
            case "seats": seats = r.int(); return seats != nil
            case "kind": kind = r.string(); return kind != nil
            default: return r.skip()
            }
        }), let name, let group, let seats, let kind else { return nil }
        return Instance.Reserve(name: name, group: group, seats: seats, kind: kind)
    }

    mutating func school() -> Instance.School? {
        var id: String?, capacity: Int?, reserves: [Instance.Reserve]?, precedence: String?, location: Location?
        guard object({ r, k in
            switch k {
            case "id": id = r.string(); return id != nil
            case "capacity": capacity = r.int(); return capacity != nil
            case "reserves":
                guard let v = r.optional({ r in
                    var list: [Instance.Reserve] = []
                    return r.array { r in r.reserve().map { list.append($0); return true } ?? false } ? list : nil
                }) else { return false }
                reserves = v
                return true
            case "precedence":
                return r.optional(into: &precedence) { $0.string() }
            case "location":
                return r.optional(into: &location) { $0.point() }
            default: return r.skip()
            }
        }), let id, let capacity else { return nil }
        return Instance.School(id: id, capacity: capacity, reserves: reserves, precedence: precedence, location: location)
    }

    /// The schools read so far, when the students come after them: each student's prefs
    /// are then looked up from their bytes as they are read and kept as positions
    /// (``Instance/Choices``), all in `positions`.
    var schoolIDs: Instance.SchoolIDs?
    var schoolTable: IDTable?
    var positions: [Int32] = []

    /// One student's prefs as positions in the schools read (the range of `positions`
    /// they were appended to), or as ids when one of them is not a school's (the check
    /// reports it, in the ids' words).
    enum ChoicesRead {
        case names([String])
        case positions(Range<Int>)
    }

    mutating func choices(_ table: IDTable, _ schools: Instance.SchoolIDs) -> ChoicesRead? {
        let from = positions.count
        var names: [String]?
        guard array({ r in
            guard let s = r.key() else { return false }
            if names == nil {
                if let k = s.bytes.map({ table.position(ofBytes: $0) }) ?? s.text.flatMap(table.position(of:)) {
                    r.positions.append(Int32(k))
                    return true
                }
                names = r.positions[from...].map { schools.ids[Int($0)] }
                r.positions.removeSubrange(from...)
            }
            names!.append(s.string)
            return true
        }) else { return nil }
        return names.map(ChoicesRead.names) ?? .positions(from..<positions.count)
    }

    mutating func student() -> (Instance.Student, Range<Int>?)? {
        var id: String?, prefs: ChoicesRead?, lottery: Int?, sibling: String?, zones: [String]?, groups: [String: String]?, location: Location?
        guard object({ r, k in
            switch k {
            case "id": id = r.string(); return id != nil
            case "prefs":
                if let table = r.schoolTable, let schools = r.schoolIDs {
                    prefs = r.choices(table, schools)
                } else {
                    prefs = r.strings().map(ChoicesRead.names)
                }
                return prefs != nil
            case "lottery":
                return r.optional(into: &lottery) { $0.int() }
            case "sibling":
                return r.optional(into: &sibling) { $0.string() }
            case "zones":
                return r.optional(into: &zones) { $0.strings() }
            case "groups":
                return r.optional(into: &groups) { $0.groups() }
            case "location":
                return r.optional(into: &location) { $0.point() }
            default: return r.skip()
            }
        }), let id, let prefs else { return nil }
        var range: Range<Int>?, names: [String] = []
        switch prefs {
        case .names(let n): names = n
        case .positions(let r): range = r
        }
        return (Instance.Student(id: id, prefs: names, lottery: lottery, sibling: sibling, zones: zones, groups: groups, location: location), range)
    }

    mutating func instance() -> Instance? {
        var name: String?, classes: [String]?, schools: [Instance.School]?, students: [Instance.Student]?, explicit: [String: [String]]?
        guard object({ r, k in
            switch k {
            case "name":
                return r.optional(into: &name) { $0.string() }
            case "priorityClasses":
                return r.optional(into: &classes) { $0.strings() }
            case "schools":
                var list: [Instance.School] = []
                guard r.array({ r in r.school().map { list.append($0); return true } ?? false }) else { return false }
                schools = list
                r.schoolIDs = Instance.SchoolIDs(list.map(\.id))
                r.schoolTable = IDTable(list.lazy.map(\.id))
                return true
            case "students":
                var list: [Instance.Student] = []
                // Room for as many students as the file could hold (each takes at least
                // the 21 bytes of `{"id":"","prefs":[]},`), so the list is never copied
                // to grow; the pages beyond the students read are never touched.
                list.reserveCapacity(r.b.count / 21 + 1)
                var read: [(student: Int, positions: Range<Int>)] = []
                guard r.array({ r in
                    guard let (student, positions) = r.student() else { return false }
                    if let positions { read.append((list.count, positions)) }
                    list.append(student)
                    return true
                }) else { return false }
                // Slices of the finished array (one taken while it still grew would have
                // made every later append copy it).
                if let schools = r.schoolIDs {
                    let all = r.positions
                    for (st, range) in read { list[st].choices = .positions(all[range], schools) }
                }
                students = list
                return true
            case "explicitPriorities":
                guard let v = r.optional({ r -> [String: [String]]? in
                    var map: [String: [String]] = [:]
                    return r.object { r, k in r.strings().map { map[k.string] = $0; return true } ?? false } ? map : nil
                }) else { return false }
                explicit = v
                return true
            default: return r.skip()
            }
        }), let schools, let students else { return nil }
        return Instance(name: name, priorityClasses: classes, schools: schools, students: students, explicitPriorities: explicit)
    }
}

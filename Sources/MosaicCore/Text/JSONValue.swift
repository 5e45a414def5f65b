/// A JSON document whose objects keep their keys in the order they were written, so
/// output follows the contracts key for key and is byte-identical from run to run.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case let (.bool(x), .bool(y)): x == y
        case let (.int(x), .int(y)): x == y
        case let (.unsigned(x), .unsigned(y)): x == y
        case let (.number(x), .number(y)): x == y
        case let (.string(x), .string(y)): x == y
        case let (.array(x), .array(y)): x == y
        case let (.object(x), .object(y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// Compact JSON text. Doubles are written in the shortest form that reads back to
    /// the same value; a non-finite double (never produced by Mosaic's metrics) is
    /// written as `null` rather than as invalid JSON.
    public func serialized() -> String { String(decoding: serializedBytes(), as: UTF8.self) }

    /// The same text as UTF-8 bytes, written into one buffer: appending to a `String`
    /// scalar by scalar took 2.3 s of the 4.0 s `mosaic diagnose --format json` spends on
    /// 200,000 students (issue 25).
    /// - Complexity: O(size of the text).
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): Self.writeInteger(UInt64(i.magnitude), negative: i < 0, to: &out)
        case .unsigned(let u): Self.writeInteger(u, negative: false, to: &out)
        case .number(let d):
            if !d.isFinite { out += "null".utf8 }
            else if d == d.rounded(), abs(d) < 1e15 { Self.writeInteger(UInt64(abs(d)), negative: d < 0, to: &out); out += ".0".utf8 }
            else { out += d.description.utf8 }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let items):
            out.append(0x5B)
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.write(to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out.append(0x2C) }
                Self.writeString(k, to: &out)
                out.append(0x3A)
                v.write(to: &out)
            }
            out.append(0x7D)
        }
    }

    static func writeInteger(_ magnitude: UInt64, negative: Bool, to out: inout [UInt8]) {
        if negative { out.append(0x2D) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: a UInt64 has at most 20 digits
        var m = magnitude, n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[23 - n] = UInt8(truncatingIfNeeded: m % 10) + 0x30
                m /= 10
                n += 1
            } while m > 0
            out.append(contentsOf: d[(24 - n)...])
        }
    }

    /// A string as JSON writes it: `"` and `\` escaped, `\n`, `\r`, `\t`, other control
    /// characters as `\u00XX`; everything else (UTF-8 included) as it is.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // A native string's bytes are contiguous: scanned and copied as one block.
        let plain = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for c in bytes where c < 0x20 || c == 0x22 || c == 0x5C { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain != true {
            for c in s.utf8 {
                switch c {
                case 0x22: out += #"\""#.utf8
                case 0x5C: out += #"\\"#.utf8
                case 0x0A: out += #"\n"#.utf8
                case 0x0D: out += #"\r"#.utf8
                case 0x09: out += #"\t"#.utf8
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += #"\u00"#.utf8
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 0xF)])
                default: out.append(c)
                }
            }
        }
        out.append(0x22)
    }
}

import Foundation
import MosaicCore
import MosaicMetrics
import Testing

/// The byte writer writes what the scalar-by-scalar `String` writer it replaced wrote
/// (kept here as the reference), and what it writes reads back as the same value.
@Suite struct JSONValueTests {
    static func reference(_ v: JSONValue) -> String {
        func string(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if u.value < 0x20 {
                        let hex = String(u.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(u)
                    }
                }
            }
            return out + "\""
        }
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .unsigned(let u): return String(u)
        case .number(let d):
            if !d.isFinite { return "null" }
            if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) + ".0" }
            return "\(d)"
        case .string(let s): return string(s)
        case .array(let items): return "[" + items.map(reference).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { string($0.0) + ":" + reference($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func random(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        let pieces = ["a", "Zé", "\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{7F}", "😀", "名", "/", " ", "}", "\u{2028}"]
        func text() -> String { (0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined() }
        let doubles: [Double] = [0, -0.0, 1, -1, 0.1, 1e15, 1e15 - 1, -1e15 + 1, 123.456, 1e-7, 5e-324, .greatestFiniteMagnitude, .nan, .infinity, 2.5e20]
        switch depth > 2 ? rng.next() % 6 : rng.next() % 8 {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int([Int.min, Int.max, 0, -7, 42][Int(rng.next() % 5)])
        case 3: return .unsigned([UInt64.max, 0, 9][Int(rng.next() % 3)])
        case 4: return .number(doubles[Int(rng.next() % UInt64(doubles.count))])
        case 5: return .string(text())
        case 6: return .array((0..<Int(rng.next() % 4)).map { _ in random(&rng, depth: depth + 1) })
        default: return .object((0..<Int(rng.next() % 4)).map { _ in (text(), random(&rng, depth: depth + 1)) })
        }
    }

    @Test func bytesAreWhatTheStringWriterWrote() throws {
        var rng = SeededGenerator(seed: 25)
        for _ in 0..<2_000 {
            let value = Self.random(&rng, depth: 0)
            let text = value.serialized()
            #expect(text == Self.reference(value))
            #expect(value.serializedBytes() == Array(text.utf8))
            // And it is JSON: every document reads.
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil, "\(text)")
        }
    }
}

/// Trimming keeps its Unicode meaning with the ASCII fast path in front of it.
@Suite struct TrimmingTests {
    @Test func trimmingIsTheCharacterDefinition() {
        func reference(_ text: String) -> String {
            var s = Substring(text)
            while let f = s.first, f.isWhitespace { s.removeFirst() }
            while let l = s.last, l.isWhitespace { s.removeLast() }
            return String(s)
        }
        let pieces = ["", " ", "\t", "\r\n", "\u{A0}", "\u{2003}", "\u{85}", "a", "7", "é", "e\u{301}", " \u{301}", "\u{1F}", "名", "-", "\u{600}1"]
        for a in pieces { for b in pieces { for c in pieces {
            let text = a + b + c
            #expect(text.trimmingWhitespace() == reference(text), "\(Array(text.unicodeScalars))")
        } } }
    }
}

/// A plain-text table for the terminal: a header, right-aligned numbers, left-aligned
/// text, columns as wide as their widest cell.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var header: [String]
    public var alignment: [Alignment]
    public var rows: [[String]] = []

    public init(_ header: [String], alignment: [Alignment]? = nil) {
        self.header = header
        self.alignment = alignment ?? ([.left] + Array(repeating: .right, count: max(0, header.count - 1)))
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table, indented by `indent` spaces, each line ending in a newline.
    public func rendered(indent: Int = 2) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        let pad = String(repeating: " ", count: indent)
        func line(_ cells: [String]) -> String {
            let parts = header.indices.map { c -> String in
                let cell = c < cells.count ? cells[c] : ""
                let fill = String(repeating: " ", count: widths[c] - cell.count)
                return alignment[c] == .left ? cell + fill : fill + cell
            }
            var text = pad + parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var out = line(header)
        out += pad + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) }
        return out
    }
}

/// Number formatting for tables: fixed decimals without locale surprises.
public enum Format {
    /// `x` with exactly `digits` decimals: `fixed(0.45123, 3)` = `"0.451"`.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 1e18 else { return "\(x)" }
        let negative = x < 0 && scaled > 0
        var digitsText = String(Int(scaled))
        if digits > 0 {
            if digitsText.count <= digits {
                digitsText = String(repeating: "0", count: digits - digitsText.count + 1) + digitsText
            }
            digitsText.insert(".", at: digitsText.index(digitsText.endIndex, offsetBy: -digits))
        }
        return (negative ? "-" : "") + digitsText
    }

    /// A share as a percentage with one decimal: `0.1234` → `"12.3%"`.
    public static func percent(_ share: Double) -> String { fixed(share * 100, 1) + "%" }

    /// A whole number with thousands separators: `946582` → `"946,582"`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A p-value: 3 decimals, or `<0.001` below that.
    public static func pValue(_ p: Double) -> String { p < 0.001 ? "<0.001" : fixed(p, 3) }
}

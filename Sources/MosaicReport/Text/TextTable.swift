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

/// Number formatting for tables, reports and messages: fixed decimals without locale surprises.
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

    /// A share as a percentage: `percent(0.1234)` = `"12.3%"`, `percent(0.1234, digits: 0)` = `"12%"`.
    public static func percent(_ share: Double, digits: Int = 1) -> String { fixed(share * 100, digits) + "%" }

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

/// A field quoted per RFC 4180 when it holds a comma, quote or line break.
public func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}

/// A field for a CSV file people open in a spreadsheet: text that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula there (CSV injection, OWASP), so it
/// gets a leading `'`; a plain number (`-0.5`) is left as it is. Then quoted as
/// ``csvField(_:)`` does.
public func spreadsheetField(_ s: String) -> String {
    guard let first = s.first, "=+-@\t\r".contains(first), Double(s) == nil else { return csvField(s) }
    return csvField("'" + s)
}

/// Text escaped for HTML or SVG element content and attribute values (`& < > " '`).
public func markupEscaped(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for ch in s {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}
